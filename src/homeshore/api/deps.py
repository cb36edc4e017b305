"""Dependencies of the routes: the platform, the auth service and the current actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from homeshore.services.audit import Origin
from homeshore.services.auth import Auth
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor

SESSION_COOKIE = "homeshore_session"
_bearer = HTTPBearer(auto_error=False, description="session token from POST /api/auth/login")


# all async: a plain `def` dependency would cost a worker-thread round trip per request


async def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


async def get_committed_platform(request: Request) -> Platform:
    """The platform once every change made before this request is committed (changes are
    committed in groups, off the event loop): a read from the database sees them."""
    platform: Platform = request.app.state.platform
    await platform.caught_up()
    return platform


async def get_auth(request: Request) -> Auth:
    auth: Auth = request.app.state.auth
    return auth


async def session_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str | None:
    if credentials is not None:
        return credentials.credentials
    return request.cookies.get(SESSION_COOKIE)


def token_of(conn: HTTPConnection) -> str | None:
    """The session token of a request: the bearer token, else the session cookie."""
    scheme, _, token = conn.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return conn.cookies.get(SESSION_COOKIE)


def origin_of(conn: HTTPConnection) -> Origin:
    """Where a request comes from, for the audit trail: the client's address (uvicorn
    takes it from X-Forwarded-For when the peer is a trusted proxy) and its user agent."""
    return Origin(conn.client.host if conn.client else None, conn.headers.get("user-agent") or None)


async def request_origin(request: Request) -> Origin:
    return origin_of(request)


class SessionAuth(HTTPBearer):
    """The user behind the bearer token (or the session cookie). A security scheme, so the
    OpenAPI document says how to authenticate, and a single dependency: every nested
    dependency costs each request a resolution step."""

    async def __call__(self, request: Request) -> Actor:  # type: ignore[override]
        auth: Auth = request.app.state.auth
        return auth.resolve(token_of(request))


current_actor = SessionAuth(
    auto_error=False,
    scheme_name="HTTPBearer",
    description="session token from POST /api/auth/login",
)


PlatformDep = Annotated[Platform, Depends(get_platform)]
#: for the routes that read rows the group commit writes (contacts, conversations, events)
CommittedPlatformDep = Annotated[Platform, Depends(get_committed_platform)]
AuthDep = Annotated[Auth, Depends(get_auth)]
TokenDep = Annotated[str | None, Depends(session_token)]
ActorDep = Annotated[Actor, Depends(current_actor)]
#: where the request comes from, for the use cases the audit trail records
OriginDep = Annotated[Origin, Depends(request_origin)]
