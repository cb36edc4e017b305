"""Users, argon2 passwords, session tokens and a login rate limit."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from homeshore.config import Settings
from homeshore.db.tables import AgentRow, SessionRow, SupervisorTeamRow, TeamRow, UserRow
from homeshore.services.errors import Conflict, Invalid, NotFound, RateLimited, Unauthorized
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role

_default_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
ACTOR_CACHE_S = 30.0


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


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    expires_at: dt.datetime
    actor: Actor


class LoginLimiter:
    """At most ``max_attempts`` failed logins per (name, peer) in a sliding window."""

    def __init__(self, max_attempts: int, window_s: float) -> None:
        self.max_attempts = max_attempts
        self.window_s = window_s
        self._failures: dict[tuple[str, str], collections.deque[dt.datetime]] = {}

    def check(self, key: tuple[str, str], now: dt.datetime) -> None:
        failures = self._failures.get(key)
        if not failures:
            return
        while failures and (now - failures[0]).total_seconds() > self.window_s:
            failures.popleft()
        if len(failures) >= self.max_attempts:
            retry_s = self.window_s - (now - failures[0]).total_seconds()
            raise RateLimited(f"too many failed logins; try again in {retry_s:.0f} s")

    def fail(self, key: tuple[str, str], now: dt.datetime) -> None:
        self._failures.setdefault(key, collections.deque()).append(now)

    def succeed(self, key: tuple[str, str]) -> None:
        self._failures.pop(key, None)


class Auth:
    """Login, logout and token resolution, with a short actor cache per token."""

    def __init__(self, p: Platform) -> None:
        self.p = p
        self.limiter = LoginLimiter(p.settings.login_max_attempts, p.settings.login_window_s)
        self.hasher = hasher_for(p.settings)
        # at most two hash checks at once: a login storm must not starve the router
        self._hashing: CapacityLimiter | None = None
        self._cache: dict[str, tuple[Actor, dt.datetime, dt.datetime]] = {}

    async def login(self, username: str, password: str, *, peer: str) -> LoginResult:
        """Database work on the caller's loop; the deliberately slow hash check in a worker
        thread, so logins neither block the router nor hold a database lock meanwhile."""
        now = self.p.clock.now()
        key = (username.lower(), peer)
        self.limiter.check(key, now)
        with self.p.sessions() as session:
            user = session.scalar(select(UserRow).where(UserRow.username == username))
        stored = user.password_hash if user is not None and user.active else None
        if self._hashing is None:
            self._hashing = CapacityLimiter(2)
        ok = await to_thread.run_sync(self._verify, stored, password, limiter=self._hashing)
        if not ok or user is None:
            self.limiter.fail(key, self.p.clock.now())
            raise Unauthorized("wrong user name or password")
        self.limiter.succeed(key)
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
            session.commit()
        return LoginResult(token, expires, actor)

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

    def logout(self, token: str) -> None:
        digest = self._digest(token)
        self._cache.pop(digest, None)
        with self.p.sessions() as session:
            session.execute(delete(SessionRow).where(SessionRow.token_hash == digest))
            session.commit()

    def resolve(self, token: str | None) -> Actor:
        if not token:
            raise Unauthorized("log in first: no session token")
        now = self.p.clock.now()
        digest = self._digest(token)
        cached = self._cache.get(digest)
        if cached is not None and now < cached[1] and now < cached[2]:
            return cached[0]
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
            return actor


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
) -> UserRow:
    """An account. Agents are tied to a scenario agent; supervisors to the teams they manage."""
    if not username.strip():
        raise Invalid("a user name is needed", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"a password has at least {MIN_PASSWORD_LENGTH} characters", "password")
    if role is Role.AGENT and agent_id is None:
        raise Invalid("an agent account names its agent", field="agent_id")
    if role is not Role.AGENT and agent_id is not None:
        raise Invalid("only an agent account names an agent", field="agent_id")
    if role is not Role.SUPERVISOR and team_ids:
        raise Invalid("only a supervisor account manages teams", field="team_ids")
    sessions = p.sessions if isinstance(p, Platform) else p
    with sessions() as session:
        if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise Conflict(f"user {username!r} exists already")
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
        session.commit()
        if isinstance(p, Platform):
            if agent_id is not None and agent_id in p.agents:
                p.agents[agent_id].user_id = user.id
            p.load_supervisors(session)
        return user


def list_users(p: Platform | sessionmaker[Session]) -> list[UserRow]:
    sessions = p.sessions if isinstance(p, Platform) else p
    with sessions() as session:
        return list(session.scalars(select(UserRow).order_by(UserRow.id)))
