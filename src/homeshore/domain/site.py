"""Where agents work: contact centres and telecentres, and the teams attached to them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SiteKind(enum.StrEnum):
    CONTACT_CENTER = "contact_center"
    TELECENTRE = "telecentre"


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str
    kind: SiteKind
    seats: int
    # a telecentre may have its managers and trainers on a distant site (Orange, 2011)
    has_trainer: bool = True

    def __post_init__(self) -> None:
        if self.seats < 0:
            raise ValueError(f"site {self.id}: seats must be >= 0")


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    manager: str
    site: str
    trainer: str | None = None
