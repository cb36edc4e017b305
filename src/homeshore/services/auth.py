"""Users, argon2 passwords, session tokens and the limits on logins."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, cast

from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session, sessionmaker

from homeshore.config import Settings
from homeshore.db.tables import (
    AgentRow,
    SessionRow,
    SupervisorTeamRow,
    TeamRow,
    UserRow,
    username_key,
)
from homeshore.services import agents, audit
from homeshore.services.audit import Origin
from homeshore.services.errors import Conflict, Invalid, NotFound, Unauthorized
from homeshore.services.login_limits import HashGate, LoginLimiter
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.socket_sessions import (
    SESSION_EXPIRED,
    SESSION_REVOKED,
    SIGNED_OUT,
    SocketSession,
)

_default_hasher = PasswordHasher()
#: who acted, in the audit trail, when an account is changed from the command line
COMMAND_LINE = "command line"
MIN_PASSWORD_LENGTH = 8
ACTOR_CACHE_S = 30.0
#: the event of a logout: the other server processes close the session's websockets
SESSION_ENDED = "session.ended"


def hasher_for(settings: Settings | None) -> PasswordHasher:
    if settings is None:
        return _default_hasher
    return PasswordHasher(
        time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib
    )


def token_hash(token: str, secret: str | None = None) -> str:
    """What the sessions table stores for a token: HMAC-SHA256 with the server secret, or
    SHA-256 when no secret is configured."""
    if secret:
        return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(token.encode()).hexdigest()


class AccountDisabled(Unauthorized):
    """The password is right but an administrator disabled the account."""


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    expires_at: dt.datetime
    actor: Actor


class Auth:
    """Login, logout and token resolution, with a short actor cache per token."""

    def __init__(self, p: Platform) -> None:
        self.p = p
        self.limiter = LoginLimiter(p.settings)
        self.hasher = hasher_for(p.settings)
        # few hash checks at once, and few logins waiting for one: a login storm must
        # neither starve the router nor pile up
        self.gate = HashGate(p.settings.login_hash_concurrency, p.settings.login_max_waiting)
        self._cache: dict[str, tuple[Actor, dt.datetime, dt.datetime]] = {}

    async def login(self, username: str, password: str, *, origin: Origin) -> LoginResult:
        """Database work on the caller's loop; the deliberately slow hash check in a worker
        thread, so logins neither block the router nor hold a database lock meanwhile.
        User names match whatever their case; ``origin`` is where the client is (its
        address is what the limits count per address). Successes and failures are in the
        audit trail; refusals by the limits (429) are not, but the failure that reaches a
        limit adds ``login.locked``."""
        now = self.p.clock.now()
        account = username_key(username)
        peer = origin.address or "unknown"
        self.limiter.check(account, peer, now)  # 429
        with self.gate.admitted() as hashing:  # 503
            self.limiter.record(account, peer, now)  # a failure until it succeeds
            with self.p.sessions() as session:
                user = session.scalar(select(UserRow).where(UserRow.username_key == account))
            stored = user.password_hash if user is not None else None
            ok = await to_thread.run_sync(self._verify, stored, password, limiter=hashing)
        if not ok or user is None:
            reason = "unknown user" if user is None else "wrong password"
            self._failed(username, user, origin, now, reason)
            raise Unauthorized("wrong user name or password")
        if not user.active:  # said only to whoever knows the password
            self._failed(username, user, origin, now, "account disabled")
            raise AccountDisabled("this account is disabled: ask an administrator")
        self.limiter.succeeded(account, peer, now)
        token = secrets.token_urlsafe(32)
        expires = now + dt.timedelta(seconds=self.p.settings.session_ttl_s)
        with self.p.sessions() as session:
            session.add(
                SessionRow(
                    token_hash=self._digest(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=expires,
                )
            )
            actor = _actor(session, user)
            audit.record(
                session,
                "login.ok",
                at=now,
                actor=actor,
                origin=origin,
                subject_user_id=user.id,
                subject_agent_id=user.agent_id,
            )
            session.commit()
        return LoginResult(token, expires, actor)

    def _failed(
        self, username: str, user: UserRow | None, origin: Origin, now: dt.datetime, reason: str
    ) -> None:
        """A failed login in the audit trail (who tried is unknown: the name tried is
        kept), and ``login.locked`` when this failure reached one of the limits."""
        peer = origin.address or "unknown"
        reached = self.limiter.reached(username_key(username), peer, now)
        with self.p.sessions() as session:
            entry = functools.partial(
                audit.record,
                session,
                at=now,
                actor_name=username,
                origin=origin,
                subject_user_id=user.id if user is not None else None,
                subject_agent_id=user.agent_id if user is not None else None,
            )
            entry("login.failed", detail={"reason": reason})
            if reached:
                entry("login.locked", detail={"limits": reached})
            session.commit()

    def _digest(self, token: str) -> str:
        secret = self.p.settings.secret_key
        return token_hash(token, secret.get_secret_value() if secret is not None else None)

    def _verify(self, stored: str | None, password: str) -> bool:
        if stored is None:
            self.hasher.hash(password)  # same cost whether or not the name exists
            return False
        try:
            return bool(self.hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False

    async def update_account(
        self,
        user: int | str,
        *,
        active: bool | None = None,
        password: str | None = None,
        actor: Actor | None = None,
        origin: Origin | None = None,
    ) -> UserRow:
        """``update_user`` (off the loop: a new password is hashed) by the administrator
        ``actor``, then, if the account was disabled or its password changed, its sessions
        end at once."""
        row = await to_thread.run_sync(
            functools.partial(
                update_user,
                self.p,
                user,
                active=active,
                password=password,
                actor=actor,
                origin=origin,
            )
        )
        if active is False or password is not None:
            self.end_sessions(row.id)
        return row

    def end_sessions(self, user_id: int) -> None:
        """Log ``user_id`` out everywhere at once (its account was disabled or its password
        changed): its sessions are deleted and forgotten by the actor cache."""
        for digest, (actor, _, _) in list(self._cache.items()):
            if actor.user_id == user_id:
                del self._cache[digest]
        with self.p.sessions() as session:
            session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
            session.commit()
        for socket in self.p.sockets.of_user(user_id):  # its websockets close (4401)
            socket.end(SESSION_REVOKED)

    async def logout(self, token: str, *, origin: Origin | None = None) -> None:
        """End a session at once. An advisor first leaves routing, offline: the next login
        starts there (refused with 409 while a contact is in hand). Then the session is
        deleted and forgotten by the actor cache, its websockets in this process close
        (4401), and the event ``session.ended`` tells the other processes to check theirs."""
        digest = self._digest(token)
        actor, _ = self._session(digest)
        agent = agents.signing_out(self.p, actor)
        with self.p.transaction(group=True) as tx:
            if agent is not None:
                agents.sign_out(self.p, tx, agent, actor_user_id=actor.user_id)
            tx.execute(delete(SessionRow).where(SessionRow.token_hash == digest))
            audit.record(
                tx,
                "logout",
                actor=actor,
                origin=origin,
                subject_user_id=actor.user_id,
                subject_agent_id=actor.agent_id,
            )
            tx.emit(
                SESSION_ENDED,
                {"reason": SIGNED_OUT},
                agent_id=actor.agent_id,
                user_id=actor.user_id,
                actor_user_id=actor.user_id,
            )
        self._cache.pop(digest, None)
        self.p.sockets.end_session(digest, SIGNED_OUT)
        await self.p.durable()

    def watch(self, token: str | None, *, stream: bool) -> SocketSession:
        """The session of a websocket being opened (Unauthorized as in ``resolve``),
        registered so that its end closes the socket: a logout, its expiry (the tick), the
        end of the account's sessions. ``stream``: an advisor's event stream, whose end
        takes the advisor out of routing. The socket calls ``unwatch`` when it closes."""
        if not token:
            raise Unauthorized("log in first: no session token")
        digest = self._digest(token)
        actor, expires_at = self._session(digest)
        agent_id = actor.agent_id if stream else None
        socket = SocketSession(digest, actor, expires_at, agent_id=agent_id)
        self.p.sockets.add(socket)
        return socket

    def unwatch(self, socket: SocketSession) -> None:
        self.p.sockets.discard(socket)

    def holds(self, socket: SocketSession) -> bool:
        """Does the session of an open socket still hold (asked before each command)? Its
        end is known here at once, its expiry on the platform's clock, a logout served by
        another process once the actor cache lapses (or at once by ``recheck``). When it
        no longer holds, it is ended: the socket closes."""
        if socket.ended.is_set():
            return False
        if self.p.clock.now() >= socket.expires_at:
            socket.end(SESSION_EXPIRED)
            return False
        try:
            self._session(socket.digest)
        except Unauthorized:
            socket.end(SESSION_REVOKED)
            return False
        return True

    def recheck(self, socket: SocketSession) -> None:
        """A session of this socket's user ended, maybe in another process: look the
        socket's own session up again, and close the socket if it is gone."""
        if not socket.ended.is_set():
            self._cache.pop(socket.digest, None)
            self.holds(socket)

    def resolve(self, token: str | None) -> Actor:
        if not token:
            raise Unauthorized("log in first: no session token")
        return self._session(self._digest(token))[0]

    def _session(self, digest: str) -> tuple[Actor, dt.datetime]:
        """The actor of a stored session and when the session expires."""
        now = self.p.clock.now()
        cached = self._cache.get(digest)
        if cached is not None and now < cached[1] and now < cached[2]:
            return cached[0], cached[2]
        with self.p.sessions() as session:
            row = session.get(SessionRow, digest)
            if row is None or row.expires_at <= now:
                self._cache.pop(digest, None)
                raise Unauthorized("session expired or unknown: log in again")
            user = session.get(UserRow, row.user_id)
            if user is None or not user.active:
                raise Unauthorized("this account is disabled")
            actor = _actor(session, user)
            self._cache[digest] = (
                actor,
                now + dt.timedelta(seconds=ACTOR_CACHE_S),
                row.expires_at,
            )
            return actor, row.expires_at


def _actor(session: Session, user: UserRow) -> Actor:
    teams: frozenset[str] = frozenset()
    if user.role == Role.SUPERVISOR:
        teams = frozenset(
            session.scalars(
                select(SupervisorTeamRow.team_id).where(SupervisorTeamRow.user_id == user.id)
            )
        )
    elif user.role == Role.AGENT and user.agent_id is not None:
        agent = session.get(AgentRow, user.agent_id)
        teams = frozenset({agent.team_id}) if agent is not None else frozenset()
    return Actor(user.id, user.username, Role(user.role), user.agent_id, teams)


def create_user(
    p: Platform | sessionmaker[Session],
    *,
    username: str,
    password: str,
    role: Role,
    agent_id: str | None = None,
    team_ids: tuple[str, ...] = (),
    settings: Settings | None = None,
    actor: Actor | None = None,
    origin: Origin | None = None,
) -> UserRow:
    """An account. Agents are tied to a scenario agent; supervisors to the teams they manage.
    A name taken whatever its case (``Admin`` when ``admin`` exists) is refused. The audit
    trail keeps who made it (``actor``, or the command line) and from where."""
    if not username.strip():
        raise Invalid("a user name is needed", field="username")
    _check_password(password)
    if role is Role.AGENT and agent_id is None:
        raise Invalid("an agent account names its agent", field="agent_id")
    if role is not Role.AGENT and agent_id is not None:
        raise Invalid("only an agent account names an agent", field="agent_id")
    if role is not Role.SUPERVISOR and team_ids:
        raise Invalid("only a supervisor account manages teams", field="team_ids")
    sessions = p.sessions if isinstance(p, Platform) else p
    with sessions() as session:
        same = session.scalar(
            select(UserRow.username).where(UserRow.username_key == username_key(username))
        )
        if same is not None:
            raise Conflict(f"user {same!r} exists already (names do not differ by case)")
        if agent_id is not None:
            if session.get(AgentRow, agent_id) is None:
                raise NotFound(f"no agent {agent_id!r} in the imported scenario")
            if session.scalar(select(UserRow).where(UserRow.agent_id == agent_id)) is not None:
                raise Conflict(f"agent {agent_id!r} has an account already")
        for team in team_ids:
            if session.get(TeamRow, team) is None:
                raise NotFound(f"no team {team!r} in the imported scenario")
        user = UserRow(
            username=username,
            username_key=username_key(username),
            password_hash=hasher_for(
                settings or (p.settings if isinstance(p, Platform) else None)
            ).hash(password),
            role=role.value,
            agent_id=agent_id,
            active=True,
        )
        session.add(user)
        session.flush()
        for team in team_ids:
            session.add(SupervisorTeamRow(user_id=user.id, team_id=team))
        audit.record(
            session,
            "user.created",
            at=_now(p),
            actor=actor,
            actor_name=COMMAND_LINE,
            origin=origin,
            subject_user_id=user.id,
            subject_agent_id=agent_id,
            detail={"username": username, "role": role.value, "team_ids": list(team_ids)},
        )
        session.commit()
        if isinstance(p, Platform):
            if agent_id is not None and agent_id in p.agents:
                p.agents[agent_id].user_id = user.id
            p.load_supervisors(session)
        return user


def _now(p: Platform | sessionmaker[Session]) -> dt.datetime:
    return p.clock.now() if isinstance(p, Platform) else dt.datetime.now(dt.UTC)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password has at least {MIN_PASSWORD_LENGTH} characters", "password")


def update_user(
    p: Platform | sessionmaker[Session],
    user: int | str,
    *,
    active: bool | None = None,
    password: str | None = None,
    by_user_id: int | None = None,
    settings: Settings | None = None,
    actor: Actor | None = None,
    origin: Origin | None = None,
) -> UserRow:
    """Disable or enable the account ``user`` (its id, or its name whatever the case), or give
    it a new password. Disabling or a new password ends its sessions (a caller with an Auth
    also calls ``Auth.end_sessions``, which forgets them at once). The administrator acting
    (``actor``, or ``by_user_id``) may not disable its own account. The audit trail keeps
    each change, who made it (or the command line) and from where."""
    if by_user_id is None and actor is not None:
        by_user_id = actor.user_id
    if active is None and password is None:
        raise Invalid("nothing to change: give active or password", field="active")
    if password is not None:
        _check_password(password)
    sessions = p.sessions if isinstance(p, Platform) else p
    with sessions() as session:
        if isinstance(user, int):
            row = session.get(UserRow, user)
        else:
            row = session.scalar(select(UserRow).where(UserRow.username_key == username_key(user)))
        if row is None:
            raise NotFound(f"no user {user!r}")
        if active is False and row.id == by_user_id:
            raise Conflict("you cannot disable your own account", field="active")
        changes: list[tuple[str, dict[str, object]]] = []
        if active is not None:
            changes.append(("user.enabled" if active else "user.disabled", {"was": row.active}))
            row.active = active
        if password is not None:
            row.password_hash = hasher_for(
                settings or (p.settings if isinstance(p, Platform) else None)
            ).hash(password)
            changes.append(("user.password_set", {}))
        if active is False or password is not None:
            result = session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            ended = int(cast("CursorResult[Any]", result).rowcount)
            if ended:
                why = "account disabled" if active is False else "new password"
                changes.append(("session.ended", {"sessions": ended, "reason": why}))
        for action, detail in changes:
            audit.record(
                session,
                action,
                at=_now(p),
                actor=actor,
                actor_name=COMMAND_LINE,
                origin=origin,
                subject_user_id=row.id,
                subject_agent_id=row.agent_id,
                detail={"username": row.username, **detail},
            )
        session.commit()
        return row


def list_users(p: Platform | sessionmaker[Session]) -> list[UserRow]:
    sessions = p.sessions if isinstance(p, Platform) else p
    with sessions() as session:
        return list(session.scalars(select(UserRow).order_by(UserRow.id)))
