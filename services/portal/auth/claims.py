"""From an OIDC provider's claims to the portal's Identity: organisation and role.

The provider says who the person is; which organisation and role that gives them in Woonregie
comes from two claims (default `woonregie_org` and `woonregie_role`) or, when the provider
has no such attributes, from group membership through a mapping in the settings. Anything
short of one valid organisation and role is refused: better no session than a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.portal.auth.identity import Identity
from shared.contracts.vocabulary import Role, is_cbs_code


@dataclass(frozen=True)
class ClaimMapping:
    org_claim: str = "woonregie_org"
    role_claim: str = "woonregie_role"
    groups_claim: str = "groups"
    group_map: tuple[tuple[str, tuple[str, str]], ...] = ()

    @classmethod
    def from_settings(cls, settings) -> "ClaimMapping":
        return cls(settings.oidc_org_claim, settings.oidc_role_claim,
                   settings.oidc_groups_claim, tuple(settings.oidc_group_map.items()))


class Unmapped(Exception):
    """The person is known to the provider but has no valid place in Woonregie."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def identity_from_claims(claims: dict, mapping: ClaimMapping) -> Identity:
    subject, email = claims.get("sub"), claims.get("email")
    if not isinstance(subject, str) or not subject:
        raise Unmapped("the provider sent no subject")
    if not isinstance(email, str) or not email or claims.get("email_verified") is False:
        raise Unmapped("the provider sent no verified e-mail address")
    org, role = _org_and_role(claims, mapping)
    name = claims.get("name") or claims.get("preferred_username") or email
    # prefixed: an SSO subject can never collide with a local account's
    return Identity(subject=f"oidc:{subject}", email=email, display_name=str(name),
                    org=org, role=role, source="oidc")


def _org_and_role(claims: dict, mapping: ClaimMapping) -> tuple[str, Role]:
    org, role = _single(claims.get(mapping.org_claim)), _single(claims.get(mapping.role_claim))
    if org is None and role is None:
        org, role = _from_groups(claims.get(mapping.groups_claim), dict(mapping.group_map))
    if not org or not role:
        raise Unmapped("no organisation and role for this person")
    try:
        valid_role = Role(role)
    except ValueError:
        raise Unmapped(f"unknown role {role!r}") from None
    if valid_role is Role.MUNICIPALITY and not is_cbs_code(org):
        raise Unmapped("a municipality is named by its CBS code")
    return org.strip(), valid_role


def _single(value) -> str | None:
    """A claim as one string; a list with exactly one value counts too (Keycloak's habit)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, str) and value.strip() else None


def _from_groups(groups, group_map: dict[str, tuple[str, str]]) -> tuple[str | None, str | None]:
    if not isinstance(groups, list):
        return None, None
    places = {tuple(group_map[g]) for g in groups if isinstance(g, str) and g in group_map}
    if len(places) > 1:
        raise Unmapped("the person's groups give more than one organisation or role")
    return places.pop() if places else (None, None)
