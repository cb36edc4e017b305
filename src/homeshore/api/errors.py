"""Service refusals become clear 4xx answers: ``{"detail": reason, "field": name}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from homeshore.errors import InputError
from homeshore.services.errors import ServiceError


def service_error_response(exc: ServiceError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(
        {"detail": exc.reason, "field": exc.field}, status_code=exc.status, headers=headers
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return service_error_response(exc)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": exc.describe(), "field": exc.where}, status_code=422)
