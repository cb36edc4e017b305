"""Login, logout and who am I."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response

from homeshore.api.deps import SESSION_COOKIE, ActorDep, AuthDep, OriginDep, TokenDep
from homeshore.api.schemas import LoginIn, LoginOut, MeOut
from homeshore.services.scope import Actor

router = APIRouter(prefix="/api/auth", tags=["auth"])


def me_out(actor: Actor) -> MeOut:
    return MeOut(
        user_id=actor.user_id,
        username=actor.username,
        role=actor.role.value,
        agent_id=actor.agent_id,
        team_ids=sorted(actor.team_ids),
    )


@router.post("/login", response_model=LoginOut)
async def login(body: LoginIn, response: Response, auth: AuthDep, origin: OriginDep) -> LoginOut:
    """Exchange a user name (whatever its case) and password for a session token (also set
    as a cookie). Repeated failures for one account, from one address or on the whole server
    are refused with 429 for a while; 503 when too many logins are being checked at once.
    Both carry Retry-After. The address is the peer's, or X-Forwarded-For's when the peer is
    one of HOMESHORE_TRUSTED_PROXIES (uvicorn resolves it). Successes and failures are in
    the audit trail, with the address and user agent."""
    result = await auth.login(body.username, body.password, origin=origin)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="strict",
        expires=result.expires_at.astimezone(dt.UTC),
    )
    return LoginOut(token=result.token, expires_at=result.expires_at, user=me_out(result.actor))


@router.post("/logout", status_code=204)
async def logout(
    actor: ActorDep, token: TokenDep, auth: AuthDep, response: Response, origin: OriginDep
) -> None:
    """End this session at once: its websockets close (4401). An advisor goes offline, and
    its next login starts there; 409 while it holds a contact (finish it first)."""
    assert token is not None
    await auth.logout(token, origin=origin)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=MeOut)
async def me(actor: ActorDep) -> MeOut:
    return me_out(actor)
