"""Each service's OpenAPI document as the NL API Design Rules (Logius) ask it.

FastAPI writes the document from the routes; this module completes it from what every route
shares, so that a new route is documented without per-route work:

- `servers` holds `/v1` (the major version in the URI) and the paths are relative to it;
- `info.contact`;
- an `API-Version` header on every response (the ApiVersionHeader middleware sends it);
- a `Problem` (RFC 9457) as `application/problem+json` for every error status an operation
  can return, read off its dependencies: 401/403 where a token is checked, 404 where a path
  names a resource, 413/415 where a body is read, 400 and 422 where input is validated, and
  what a dependency declares with `raises` (monitoring's filter: 404 for an unknown scope);
- security per operation: none for the open ones, optional where a public view answers
  anonymously (the route depends on `optional_caller` only), required otherwise;
- a `/x.csv` alias of a `/x` that negotiates CSV is named in `/x`'s description, not listed.

Invalid input is answered with 422 (RFC 9110: understood, but not processable), not the 400
the Design Rules prefer; 400 is kept for requests that cannot be read at all.
docs/INTEGRATION.md (Conventions) argues the deviation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi

from shared import auth
from shared.problems import PROBLEM_JSON

PREFIX = "/v1"
PROBLEM_STATUSES = "__problem_statuses__"  # set on a dependency by `raises`
SECURITY_SCHEME = "HTTPBearer"
CONTACT = {
    "name": "Woonregie, Koploperregio Groningen",
    "url": "https://woonregie.nl",
    "email": "api@woonregie.nl",
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details, with the NL API Design Rules' invalidParams.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference",
                 "examples": ["https://woonregie.nl/problems/404"]},
        "title": {"type": "string", "description": "short, Dutch", "examples": ["Niet gevonden"]},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "examples": [404]},
        "detail": {"type": "string", "description": "what went wrong in this request"},
        "instance": {"type": "string", "description": "the path of the request"},
        "invalidParams": {"type": "array", "items": {"$ref": "#/components/schemas/InvalidParam"}},
        "code": {"type": "string", "description": "what kind of refusal, e.g. `not-found`, "
                                                  "`invalid-input`, `proposal-not-open`"},
    },
}
INVALID_PARAM_SCHEMA = {
    "title": "InvalidParam",
    "type": "object",
    "required": ["name", "reason"],
    "properties": {
        "name": {"type": "string", "description": "the field, e.g. `query.pageSize` or `bsn`"},
        "code": {"type": "string"},
        "reason": {"type": "string"},
    },
}
API_VERSION_HEADER = {
    "description": "The full version of the API (semantic versioning).",
    "required": True,
    "schema": {"type": "string", "examples": ["1.0.0"]},
}
ERROR_TEXTS = {
    400: "The request cannot be read (malformed syntax).",
    401: "No valid bearer token: send Authorization: Bearer wr_…",
    403: "The organisation's role or records do not allow this.",
    404: "No such resource, or not one the organisation may see.",
    409: "The resource's state does not allow this.",
    413: "The body is larger than the service accepts.",
    415: "The body's Content-Type is not one the operation accepts.",
    422: "The input is invalid; invalidParams names each field and why.",
}
_METHODS = ("get", "put", "post", "patch", "delete")


def service_openapi(app: FastAPI) -> dict:
    """The app's document (built once): FastAPI's, completed as described above."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
        app.openapi_schema = complete(document, list(_operations(app)))
    return app.openapi_schema


def complete(document: dict, operations: list[tuple[str, str, Dependant]]) -> dict:
    document["info"]["contact"] = CONTACT
    document["servers"] = [{"url": PREFIX, "description": "this service (relative URL)"}]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"], schemas["InvalidParam"] = PROBLEM_SCHEMA, INVALID_PARAM_SCHEMA
    for scheme in document["components"].get("securitySchemes", {}).values():
        scheme.update(bearerFormat="organisation token (wr_…)",
                      description="`woonregie tokens issue --org ORG --role ROLE`")
    for path, method, dependant in operations:
        _complete_operation(document["paths"][path][method], dependant)
    document["paths"] = {_relative(path): item for path, item in document["paths"].items()}
    _fold_csv_aliases(document["paths"])
    return _pascal_case_schema_names(document)


def _operations(app: FastAPI) -> Iterator[tuple[str, str, Dependant]]:
    # FastAPI includes routers lazily: its own route contexts give each route's full path
    for route in routing.iter_route_contexts(app.routes):
        if isinstance(route.original_route, routing.APIRoute) and route.include_in_schema:
            for method in route.methods:
                if method.lower() in _METHODS:
                    yield route.path_format, method.lower(), route.dependant


def _complete_operation(operation: dict, dependant: Dependant) -> None:
    calls = set(_calls(dependant))
    access = _access(calls)
    statuses = set()
    if access != "open":
        statuses |= {401, 403}
    if _flat(dependant, "path_params"):
        statuses |= {404, 422, 400}
    if _flat(dependant, "query_params") or _flat(dependant, "header_params"):
        statuses |= {422, 400}
    if "requestBody" in operation or _flat(dependant, "body_params"):
        statuses |= {400, 413, 415, 422}
    for call in calls:
        statuses |= set(getattr(call, PROBLEM_STATUSES, ()))
    responses = operation["responses"]
    for status in statuses:
        responses.setdefault(str(status), {})
    for status, response in responses.items():
        _complete_response(status, response)
    _set_security(operation, access)


def _complete_response(status: str, response: dict) -> None:
    response.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    if status[0] in "45":
        response["description"] = _error_description(int(status), response.get("description"))
        response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}


def _error_description(status: int, given: str | None) -> str:
    if given and given not in ("Validation Error", "Successful Response"):
        return given
    return ERROR_TEXTS.get(status, "An error, as a problem document.")


def _set_security(operation: dict, access: str) -> None:
    required = [{SECURITY_SCHEME: []}]
    if access == "open":
        operation.pop("security", None)
    elif access == "optional":
        # the public view answers without a token; with one, the caller's own view
        operation["security"] = [{}, *required]
    else:
        operation["security"] = required


def raises(*statuses: int):
    """Decorator for a dependency: the problem statuses it may answer with, so that every
    operation depending on it documents them (e.g. 404 for an unknown scope in a filter)."""

    def mark(dependency):
        setattr(dependency, PROBLEM_STATUSES, statuses)
        return dependency

    return mark


def _access(calls: set) -> str:
    if auth.current_caller in calls:
        return "required"
    return "optional" if auth.optional_caller in calls else "open"


def _calls(dependant: Dependant) -> Iterator:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _flat(dependant: Dependant, kind: str) -> list:
    found = list(getattr(dependant, kind))
    for sub in dependant.dependencies:
        found += _flat(sub, kind)
    return found


def _fold_csv_aliases(paths: dict) -> None:
    """`/x.csv` beside a `/x` that answers `Accept: text/csv` is the same report: it is named
    in `/x`'s description instead of listed, since a dot in a resource segment breaks the
    Design Rules' kebab-case paths."""
    for path in [p for p in paths if p.endswith(".csv")]:
        negotiated = paths.get(path[: -len(".csv")], {}).get("get")
        if negotiated and "text/csv" in negotiated["responses"].get("200", {}).get("content", {}):
            del paths[path]
            negotiated["description"] = (negotiated.get("description", "") +
                                         f"\n\nThe CSV is also at `{path}`.").strip()


def _relative(path: str) -> str:
    return path[len(PREFIX):] if path.startswith(PREFIX + "/") else path


def _pascal_case_schema_names(document: dict) -> dict:
    """Schema names in UpperCamelCase (FastAPI names some `Body_x_y`), references with them."""
    schemas = document["components"]["schemas"]
    renames = {name: _pascal(name) for name in schemas if _pascal(name) != name}
    if not renames:
        return document
    document["components"]["schemas"] = {renames.get(k, k): v for k, v in schemas.items()}
    return _rewrite_refs(document, {f"#/components/schemas/{old}": f"#/components/schemas/{new}"
                                    for old, new in renames.items()})


def _pascal(name: str) -> str:
    parts = [part for part in re.split(r"[^A-Za-z0-9]+", name) if part]
    return "".join(part[0].upper() + part[1:] for part in parts)


def _rewrite_refs(node, renames: dict[str, str]):
    if isinstance(node, dict):
        return {key: (renames.get(value, value) if key == "$ref" else _rewrite_refs(value, renames))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


# --- rules the handlers enforce, stated in the schemas ------------------------------------
# Validation of these stays where it is (the domain, so that CSV imports and feeds apply the
# same rules and the 422 names the field); the schema states them through `json_schema_extra`.
CBS_CODE = r"^GM[0-9]{4}$"
BAG_ID = r"^[0-9]{16}$"
BSN = r"^[0-9]{9}$"
PERIOD = r"^20[0-9]{2}(-H[12])?$"
NON_BLANK = r"\S"
ENFORCED = "x-enforced"  # a rule JSON Schema cannot state (dates relative to today, cross-field)


def enforced(rule: str, **keywords) -> dict:
    """`json_schema_extra` for a rule JSON Schema cannot state; clients read it as text."""
    return {ENFORCED: rule, **keywords}


def stated(properties: dict[str, dict] | None = None, **keywords) -> Callable[[dict], None]:
    """`json_schema_extra` for a whole model: `keywords` (e.g. if/then) on its schema, and
    per property (by wire name) what to add to that property's schema."""

    def extra(schema: dict) -> None:
        schema.update(keywords)
        for name, more in (properties or {}).items():
            schema["properties"][name].update(more)

    return extra
