"""Single sign-on with OpenID Connect: the portal as relying party (authlib).

`/inloggen/sso` sends the browser to the provider (authorization code flow with state, nonce
and PKCE S256); `/inloggen/sso/terug` checks what comes back (authlib validates the state
against this browser's flow, the ID token's signature, issuer, audience, expiry and nonce),
maps the claims to an organisation and role (services.portal.auth.claims) and only then
starts a portal session through `identity.sign_in`.

The flow's secrets (state, nonce, PKCE verifier) live in a short-lived cookie signed with
itsdangerous (key: the client secret) and scoped to these two paths: the portal keeps no
server-side state for a login that may never finish, and several portal processes can serve
the two halves of one login.
"""

from __future__ import annotations

import logging

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError, StarletteOAuth2App
from fastapi import APIRouter, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc.errors import JoseError

from services.portal.api.web import error_page
from services.portal.auth.claims import ClaimMapping, Unmapped, identity_from_claims
from services.portal.auth.identity import sign_in

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
SSO_PATH = "/inloggen/sso"
CALLBACK_PATH = f"{SSO_PATH}/terug"
FLOW_COOKIE = "woonregie_sso"
FLOW_SECONDS = 600  # a person has ten minutes to log in at the provider

NOT_CONFIGURED = ("Inloggen via uw organisatie is niet beschikbaar",
                  "Single sign-on is niet volledig ingesteld. Log in met uw Woonregie-account "
                  "of neem contact op met uw beheerder.")
UNREACHABLE = ("Inloggen via uw organisatie lukt nu niet",
               "De inlogdienst van uw organisatie antwoordt niet. Probeer het over enkele "
               "minuten opnieuw, of log in met uw Woonregie-account.")
FAILED = ("Inloggen is niet gelukt",
          "De aanmelding kon niet worden bevestigd of is verlopen. Er is niets gewijzigd. "
          "Begin opnieuw bij Inloggen.")
UNMAPPED = ("Geen toegang tot Woonregie",
            "U bent aangemeld bij uw organisatie, maar uw account heeft in Woonregie (nog) geen "
            "organisatie en rol. Vraag uw beheerder om u een organisatie en rol in Woonregie "
            "te geven. U bent niet ingelogd.")


class NotConfigured(Exception):
    pass


def _settings(request: Request):
    return request.app.state.settings


def _client(request: Request) -> StarletteOAuth2App:
    """The provider's client, made once per app (it caches the provider's metadata and keys)."""
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        settings = _settings(request)
        secret = settings.oidc_secret()
        if not settings.oidc_issuer or not secret:
            raise NotConfigured()
        client = OAuth().register(
            "woonregie", client_id=settings.oidc_client_id, client_secret=secret,
            server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}"
                                "/.well-known/openid-configuration",
            client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256",
                           "timeout": 10},
        )
        request.app.state.oidc_client = client
    return client


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_settings(request).oidc_secret(), salt="woonregie-sso-flow")


def _open_flow(request: Request) -> None:
    """authlib keeps a flow in `request.session`: give it this browser's flow cookie."""
    raw = request.cookies.get(FLOW_COOKIE)
    try:
        flow = _serializer(request).loads(raw, max_age=FLOW_SECONDS) if raw else {}
    except BadSignature:  # also when expired
        flow = {}
    request.scope["session"] = flow if isinstance(flow, dict) else {}


def _keep_flow(request: Request, response: Response) -> Response:
    flow = request.scope.get("session") or {}
    if flow:
        response.set_cookie(FLOW_COOKIE, _serializer(request).dumps(flow), max_age=FLOW_SECONDS,
                            path=SSO_PATH, httponly=True, samesite="lax",
                            secure=_settings(request).cookie_secure)
    else:
        response.delete_cookie(FLOW_COOKIE, path=SSO_PATH, httponly=True, samesite="lax",
                               secure=_settings(request).cookie_secure)
    return response


def _callback_url(request: Request) -> str:
    return _settings(request).oidc_redirect_url or str(request.url_for("oidc_callback"))


@router.get(SSO_PATH)
async def start_sso(request: Request):
    """To the organisation's login page at the OIDC provider."""
    try:
        client = _client(request)
        _open_flow(request)
        response = await client.authorize_redirect(request, _callback_url(request))
    except NotConfigured:
        log.error("oidc is switched on without a client secret (oidc_client_secret[_file])")
        return error_page(request, 503, *NOT_CONFIGURED)
    except httpx.HTTPError as exc:
        log.warning("oidc provider unreachable", extra={"error": type(exc).__name__})
        return error_page(request, 503, *UNREACHABLE)
    return _keep_flow(request, response)


@router.get(CALLBACK_PATH, name="oidc_callback")
async def finish_sso(request: Request):
    """Back from the provider: check the answer, map the person, start the session."""
    try:
        client = _client(request)
        _open_flow(request)
        token = await client.authorize_access_token(
            request, claims_options={"iss": {"essential": True,
                                             "values": [_settings(request).oidc_issuer]}})
    except NotConfigured:
        return error_page(request, 503, *NOT_CONFIGURED)
    except httpx.HTTPError as exc:
        log.warning("oidc provider unreachable", extra={"error": type(exc).__name__})
        return _keep_flow(request, error_page(request, 503, *UNREACHABLE))
    except (OAuthError, JoseError) as exc:  # state, nonce, PKCE, signature, expiry, ...
        log.info("oidc login refused", extra={"error": type(exc).__name__,
                                              "reason": getattr(exc, "error", "")})
        return _keep_flow(request, error_page(request, 400, *FAILED))
    return _keep_flow(request, _signed_in(request, token.get("userinfo")))


def _signed_in(request: Request, claims) -> Response:
    if not claims:
        log.info("oidc login refused", extra={"reason": "no id token"})
        return error_page(request, 400, *FAILED)
    try:
        identity = identity_from_claims(dict(claims), ClaimMapping.from_settings(
            _settings(request)))
    except Unmapped as exc:
        log.info("oidc login without a woonregie place", extra={"reason": exc.reason})
        return error_page(request, 403, *UNMAPPED)
    log.info("login", extra={"subject": identity.subject, "source": "oidc"})
    return sign_in(request, identity)
