"""Who is asking: the authenticated user, its role and the teams it may see."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from homeshore.services.errors import Forbidden


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    username: str
    role: Role
    agent_id: str | None = None  # for agents
    team_ids: frozenset[str] = frozenset()  # supervisors: teams managed; agents: own team

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"this needs the role {allowed}; you are {self.role.value}")

    def sees_team(self, team_id: str | None) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.SUPERVISOR:
            return team_id is not None and team_id in self.team_ids
        return False

    def sees_agent(self, agent_id: str | None, team_id: str | None) -> bool:
        """Admin: all; supervisor: its teams' agents; agent: itself."""
        if self.role is Role.AGENT:
            return agent_id is not None and agent_id == self.agent_id
        return self.sees_team(team_id)
