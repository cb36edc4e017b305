"""Refusals become clear 4xx answers: ``{"detail": reason, "field": name}``.

Invalid request input (422) adds ``"errors"``: each error's location and message, never
the value sent (a client's input is not echoed back: it may be large, or not encodable).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from homeshore.errors import InputError
from homeshore.services.errors import ServiceError

#: the most validation errors listed in one answer
MAX_ERRORS = 20
#: the longest text (a message, a field name taken from the input) put in an answer
MAX_TEXT = 200
_WHERE = ("body", "query", "path", "header", "cookie")


def service_error_response(exc: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if exc.retry_after_s is not None:
        headers["Retry-After"] = retry_after(exc.retry_after_s)
    return JSONResponse(
        {"detail": exc.reason, "field": exc.field}, status_code=exc.status, headers=headers
    )


def retry_after(seconds: float) -> str:
    """A Retry-After value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


def validation_error_response(errors: Sequence[Any]) -> JSONResponse:
    """The 422 of invalid input: the first error as detail and field, and the list."""
    listed = [_described(e) for e in errors[:MAX_ERRORS]]
    if not listed:
        return JSONResponse({"detail": "invalid request", "field": None}, status_code=422)
    first = listed[0]
    return JSONResponse(
        {
            "detail": f"{first['field']}: {first['msg']}",
            "field": first["field"],
            "errors": [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in listed],
            "error_count": len(errors),
        },
        status_code=422,
    )


def safe_text(value: object, limit: int = MAX_TEXT) -> str:
    """``value`` as text of at most ``limit`` characters that encodes as UTF-8 (a lone
    surrogate from the client's JSON shows as ``\\ud800``)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _described(error: Any) -> dict[str, Any]:
    loc = [p if isinstance(p, int) else safe_text(p) for p in error.get("loc", ())]
    kind = safe_text(error.get("type", ""))
    msg = safe_text(error.get("msg", ""))
    where = loc[1:] if loc and loc[0] in _WHERE else loc
    if kind == "json_invalid":  # its location is a position in the body
        where = []
        reason = (error.get("ctx") or {}).get("error")
        if reason:
            msg = f"the body is not valid JSON ({safe_text(reason)})"
    field = ".".join(str(p) for p in where) or (loc[0] if loc else "body")
    return {"loc": loc, "msg": msg, "type": kind, "field": str(field)}


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return service_error_response(exc)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": exc.describe(), "field": exc.where}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error_response(exc.errors())

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI could not read the body (nested too deeply, not UTF-8, ...)
            reason = (
                "the body is nested too deeply"
                if isinstance(exc.__cause__, RecursionError)
                else "the body could not be read"
            )
            return JSONResponse({"detail": reason, "field": "body"}, status_code=400)
        return await http_exception_handler(request, exc)
