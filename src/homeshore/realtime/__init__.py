"""Real-time event hub: backends chosen by URL (memory://, postgres://)."""

from __future__ import annotations

from homeshore.realtime.fanout import SubscriberLagged
from homeshore.realtime.memory import MemoryHub
from homeshore.realtime.postgres import PostgresHub
from homeshore.realtime.types import Event, EventHub

__all__ = ["Event", "EventHub", "MemoryHub", "PostgresHub", "SubscriberLagged", "hub_from_url"]


def hub_from_url(url: str) -> MemoryHub | PostgresHub:
    """``memory://`` or ``postgres://user@host:port/db`` (also postgresql://)."""
    if url.startswith("memory://"):
        return MemoryHub()
    if url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        return PostgresHub(url)
    raise ValueError(f"unknown event hub URL {url!r}: use memory:// or postgres://...")
