"""The refusals in the OpenAPI document: every operation lists the 4xx/5xx answers it can
give, with their one shape (``ErrorOut``), so a client generated from the schema knows them.

Which answers an operation lists follows from what it is, the same rules the routes and
use cases apply: a session is needed (401) and roles are checked (403) everywhere but on
login; an id in the path may name nothing in the caller's scope (404); a change may not fit
the current state (409); a body may be too large (413) or invalid (422); login is rate
limited (429); a change may fail to commit (503).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from homeshore.api.schemas import ErrorOut

_WHY = {
    "401": "no session, or an expired or revoked one",
    "403": "the caller's role may not do this, or the object belongs to another team",
    "404": "nothing with this id in the caller's scope",
    "409": "the current state does not allow it (e.g. the contact is no longer offered)",
    "413": "the request body is over its size limit",
    "422": "invalid input: the field at fault is named",
    "429": "too many attempts: wait for Retry-After seconds",
    "503": "the change could not be saved now, or too many logins are being checked: retry",
}
_CHANGES = {"post", "put", "patch", "delete"}
_PUBLIC = {"/api/auth/login", "/api/health"}


def _answers(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["422"]
    if path not in _PUBLIC:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in _CHANGES:
        codes += ["409", "503"]
    if "requestBody" in operation:
        codes.append("413")
    if path == "/api/auth/login":
        codes += ["429", "503"]
    return sorted(set(codes))


def install(app: FastAPI) -> None:
    """Build the OpenAPI document once, with the refusals added to every API operation."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for name, sub in components["ErrorOut"].pop("$defs", {}).items():
            components[name] = sub
        ref = {"$ref": "#/components/schemas/ErrorOut"}
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code in _answers(path, method, operation):
                    responses[code] = {
                        "description": _WHY[code],
                        "content": {"application/json": {"schema": ref}},
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
