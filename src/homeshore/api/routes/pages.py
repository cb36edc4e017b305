"""HTML pages: log in and out, language, agent desktop, supervisor console, readiness check.

Pages use the session cookie the API sets at login; forms work without JavaScript. The
language is the user's stored choice, else the one picked on the login page (a cookie),
else the browser's, else French.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from homeshore.api.deps import (
    SESSION_COOKIE,
    AuthDep,
    CommittedPlatformDep,
    PlatformDep,
    TokenDep,
    origin_of,
)
from homeshore.api.errors import retry_after
from homeshore.services.auth import AccountDisabled, Auth
from homeshore.services.errors import (
    Busy,
    Conflict,
    NotFound,
    RateLimited,
    ServiceError,
    Unauthorized,
)
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.voice.link import VoiceLink
from homeshore.web import views
from homeshore.web.i18n import CATALOGUES, LANGUAGE_COOKIE, Translator
from homeshore.web.refusals import refusal
from homeshore.web.render import render

router = APIRouter(tags=["pages"], include_in_schema=False)
FormText = Annotated[str, Form(max_length=200)]


def _actor(auth: Auth, token: str | None) -> Actor | None:
    if not token:
        return None
    try:
        return auth.resolve(token)
    except Unauthorized:
        return None


def _translator(p: Platform, request: Request, actor: Actor | None) -> Translator:
    return views.translator_for(
        p, actor, request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def _home(actor: Actor) -> str:
    return "/agent" if actor.role is Role.AGENT else "/supervisor"


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site (never //host or a scheme) may follow a login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _to_login(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(path)}", status_code=303)


def _user(p: Platform, actor: Actor) -> dict[str, Any]:
    return {"display_name": views.display_name(p, actor), "role": actor.role.value}


def _refused(
    p: Platform, t: Translator, actor: Actor, path: str, message: str, status: int
) -> Response:
    return render(
        "error.html",
        t,
        page="error",
        title_key="title.error",
        path=path,
        status_code=status,
        user=_user(p, actor),
        nav=views.nav_items(actor, ""),
        message=message,
    )


def _wrong_role(p: Platform, t: Translator, actor: Actor, path: str, role: Role) -> Response:
    message = t(
        "error.not_for_role", role=t(f"role.{role.value}"), actual=t(f"role.{actor.role.value}")
    )
    return _refused(p, t, actor, path, message, 403)


@router.get("/")
async def home(auth: AuthDep, token: TokenDep) -> Response:
    actor = _actor(auth, token)
    return RedirectResponse(_home(actor) if actor else "/login", status_code=303)


@router.get("/login")
async def login_page(
    request: Request, platform: PlatformDep, auth: AuthDep, token: TokenDep, next: str = ""
) -> Response:
    actor = _actor(auth, token)
    if actor is not None:
        return RedirectResponse(_safe_next(next) or _home(actor), status_code=303)
    t = _translator(platform, request, None)
    return render(
        "login.html",
        t,
        page="login",
        title_key="title.login",
        path="/login",
        error=None,
        username="",
        next=_safe_next(next),
    )


@router.post("/login")
async def login(
    request: Request,
    platform: PlatformDep,
    auth: AuthDep,
    username: FormText = "",
    password: FormText = "",
    next: FormText = "",
) -> Response:
    t = _translator(platform, request, None)
    error, status, wait_s = None, 200, None
    if not username.strip() or not password:
        error, status = t("login.missing"), 422
    else:
        try:
            result = await auth.login(username, password, origin=origin_of(request))
        except (RateLimited, Busy) as exc:
            key = "login.rate_limited" if isinstance(exc, RateLimited) else "login.busy"
            error, status, wait_s = t(key), exc.status, exc.retry_after_s
        except AccountDisabled:
            error, status = t("login.disabled"), 401
        except Unauthorized:
            error, status = t("login.failed"), 401
    if error is not None:
        page = render(
            "login.html",
            t,
            page="login",
            title_key="title.login",
            path="/login",
            status_code=status,
            error=error,
            username=username,
            next=_safe_next(next),
        )
        if wait_s is not None:
            page.headers["Retry-After"] = retry_after(wait_s)
        return page
    response = RedirectResponse(_safe_next(next) or _home(result.actor), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="strict",
        expires=result.expires_at.astimezone(dt.UTC),
    )
    return response


@router.post("/logout")
async def logout(
    request: Request, platform: PlatformDep, auth: AuthDep, token: TokenDep
) -> Response:
    """Sign out (as POST /api/auth/logout): refused while the advisor holds a contact."""
    actor = _actor(auth, token)
    if token and actor is not None:
        try:
            await auth.logout(token, origin=origin_of(request))
        except Conflict as exc:
            t = _translator(platform, request, actor)
            path = _home(actor)
            return _refused(platform, t, actor, path, refusal(t, exc.reason), exc.status)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/language")
async def choose(
    platform: PlatformDep,
    auth: AuthDep,
    token: TokenDep,
    language: Annotated[str, Form(max_length=8)],
    next: FormText = "/",
) -> Response:
    """Switch the interface language: stored for the user, and in a cookie before login."""
    actor = _actor(auth, token)
    if actor is not None:
        views.set_language(platform, actor, language)
    elif language not in CATALOGUES:
        return RedirectResponse(_safe_next(next) or "/", status_code=303)
    response = RedirectResponse(_safe_next(next) or "/", status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, samesite="strict", max_age=365 * 24 * 3600, httponly=True
    )
    return response


def _page(
    request: Request,
    platform: Platform,
    auth: Auth,
    token: str | None,
    name: str,
    roles: tuple[Role, ...],
    build: Callable[[Actor, Translator], dict[str, Any]],
    connect_src: tuple[str, ...] = (),
) -> Response:
    """The page ``name`` (template, title, script share its name) for the given roles."""
    path = f"/{name}"
    actor = _actor(auth, token)
    if actor is None:
        return _to_login(path)
    t = _translator(platform, request, actor)
    if actor.role not in roles:
        return _wrong_role(platform, t, actor, path, roles[0])
    try:
        context = build(actor, t)
    except ServiceError as exc:
        return _refused(platform, t, actor, path, exc.reason, exc.status)
    return render(
        f"{name}.html",
        t,
        page=name,
        title_key=f"title.{name}",
        path=path,
        user=_user(platform, actor),
        nav=views.nav_items(actor, name),
        script=name,
        connect_src=connect_src,
        **context,
    )


@router.get("/agent")
async def agent_page(
    request: Request, platform: PlatformDep, auth: AuthDep, token: TokenDep
) -> Response:
    def build(actor: Actor, t: Translator) -> dict[str, Any]:
        agent = platform.agents.get(actor.agent_id or "")
        if agent is None:
            raise NotFound(t("error.no_agent"))
        data = views.agent_desk(platform, actor, t)
        data["voice"] = voice is not None
        return {
            "page_data": data,
            "work_modes": sorted(m.value for m in agent.work_modes),
            "queues": platform.scenario.queues,
            "dispositions": views.DISPOSITIONS,
            "monitoring": data["monitoring_disclosed"],
        }

    voice: VoiceLink | None = request.app.state.voice
    connect = (voice.ws_url,) if voice is not None else ()
    return _page(request, platform, auth, token, "agent", (Role.AGENT,), build, connect)


@router.get("/api/pages/agent")
async def agent_desk(
    request: Request, platform: CommittedPlatformDep, auth: AuthDep, token: TokenDep
) -> Response:
    """The agent desktop's snapshot (what /agent renders), for a refresh without reload."""
    actor = auth.resolve(token)
    t = _translator(platform, request, actor)
    return JSONResponse(views.agent_desk(platform, actor, t), headers={"Cache-Control": "no-store"})


@router.get("/supervisor")
async def supervisor_page(
    request: Request, platform: PlatformDep, auth: AuthDep, token: TokenDep
) -> Response:
    def build(actor: Actor, t: Translator) -> dict[str, Any]:
        data = views.supervisor_console(platform, actor, t)
        # a manager can listen to calls (the console's Listen, media through the relay)
        data["voice"] = request.app.state.voice is not None and actor.role is Role.SUPERVISOR
        return {
            "page_data": data,
            "team_names": views.team_names(platform, actor),
            "queues": platform.scenario.queues,
        }

    roles = (Role.SUPERVISOR, Role.ADMIN)
    return _page(request, platform, auth, token, "supervisor", roles, build)


@router.get("/readiness")
async def readiness_page(
    request: Request, platform: PlatformDep, auth: AuthDep, token: TokenDep
) -> Response:
    def build(actor: Actor, t: Translator) -> dict[str, Any]:
        view = views.readiness_view(platform, actor, t)
        # voice on: the check echoes audio through the media relay, the path a call takes
        voice: VoiceLink | None = request.app.state.voice
        view["page_data"]["media_probe"] = (
            {"ice_servers": list(voice.ice_servers)} if voice is not None else None
        )
        return view

    return _page(request, platform, auth, token, "readiness", (Role.AGENT,), build)
