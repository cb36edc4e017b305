"""Accounts (admin only)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from homeshore.api.deps import ActorDep, AuthDep, OriginDep, PlatformDep
from homeshore.api.schemas import Id, UserIn, UserOut, UserPatch
from homeshore.services import auth
from homeshore.services.scope import Role

router = APIRouter(prefix="/api/users", tags=["users"])


@router.post("", response_model=UserOut, status_code=201)
async def create_user(
    body: UserIn, actor: ActorDep, platform: PlatformDep, origin: OriginDep
) -> UserOut:
    actor.require(Role.ADMIN)
    row = await run_in_threadpool(
        auth.create_user,
        platform,
        username=body.username,
        password=body.password,
        role=Role(body.role),
        agent_id=body.agent_id,
        team_ids=tuple(body.team_ids),
        actor=actor,
        origin=origin,
    )
    return UserOut.model_validate(row)


@router.get("", response_model=list[UserOut])
async def list_users(actor: ActorDep, platform: PlatformDep) -> list[UserOut]:
    actor.require(Role.ADMIN)
    return [UserOut.model_validate(r) for r in auth.list_users(platform)]


@router.patch("/{user_id}", response_model=UserOut)
async def update_user(
    user_id: Id, body: UserPatch, actor: ActorDep, accounts: AuthDep, origin: OriginDep
) -> UserOut:
    """Disable (``"active": false``) or enable an account, or set its password; either ends
    its sessions at once. An administrator cannot disable its own account (409)."""
    actor.require(Role.ADMIN)
    row = await accounts.update_account(
        user_id, active=body.active, password=body.password, actor=actor, origin=origin
    )
    return UserOut.model_validate(row)
