"""Event hubs: in-memory fan-out and PostgreSQL LISTEN/NOTIFY across two hubs."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest

from homeshore.realtime import Event, MemoryHub, PostgresHub, SubscriberLagged, hub_from_url
from homeshore.realtime.postgres import conninfo_from_url
from tests.services.support import PG_BASE, require_postgres

AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def ev(i: int, **kw: object) -> Event:
    return Event(id=i, at=AT, type="contact.created", data={"n": i}, **kw)  # type: ignore[arg-type]


async def _collect(
    hub: MemoryHub | PostgresHub, n: int, publisher: MemoryHub | PostgresHub
) -> list[Event]:
    got: list[Event] = []
    async with hub.subscribe() as events:
        publisher.publish([ev(i, agent_id="a1") for i in range(1, n + 1)])
        async with asyncio.timeout(10):
            async for event in events:
                got.append(event)
                if len(got) == n:
                    break
    return got


def test_memory_hub_delivers_in_order_to_every_subscriber() -> None:
    async def main() -> tuple[list[Event], list[Event]]:
        hub = MemoryHub()
        async with hub.subscribe() as other:
            got = await _collect(hub, 20, hub)
            second = [await anext(other) for _ in range(20)]
        assert hub.subscribers == 0
        return got, second

    got, second = asyncio.run(main())
    assert [e.id for e in got] == list(range(1, 21))
    assert got == second
    assert got[0].agent_id == "a1"


def test_slow_subscriber_is_cut_off_not_the_publisher() -> None:
    async def main() -> None:
        hub = MemoryHub(max_pending=5)
        async with hub.subscribe() as events:
            hub.publish([ev(i) for i in range(1, 10)])  # more than it can hold
            with pytest.raises(SubscriberLagged):
                async for _ in events:
                    pass

    asyncio.run(main())


def test_event_json_round_trip() -> None:
    e = ev(7, agent_id="a1", team_id="red", contact_id=3, user_id=9, actor_user_id=2)
    import json

    assert Event.from_dict(json.loads(e.to_json())) == e


def test_hub_from_url() -> None:
    assert isinstance(hub_from_url("memory://"), MemoryHub)
    assert isinstance(hub_from_url("postgres://u@h:5432/db"), PostgresHub)
    assert conninfo_from_url("postgresql+psycopg://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(ValueError, match="memory:// or postgres://"):
        hub_from_url("redis://localhost")


@pytest.mark.postgres
def test_two_postgres_hubs_share_events() -> None:
    """Two server processes: what one publishes, the other's subscribers receive."""
    require_postgres()
    channel = f"hs_test_{uuid.uuid4().hex[:8]}"

    async def main() -> tuple[list[Event], list[Event]]:
        one = PostgresHub(PG_BASE, channel=channel)
        two = PostgresHub(PG_BASE, channel=channel)
        await one.start()
        await two.start()
        try:
            async with one.subscribe() as own:
                on_two = await _collect(two, 50, one)
                on_one = [await asyncio.wait_for(anext(own), 5) for _ in range(50)]
        finally:
            await one.stop()
            await two.stop()
        return on_two, on_one

    on_two, on_one = asyncio.run(main())
    assert [e.id for e in on_two] == list(range(1, 51))
    assert on_one == on_two


@pytest.mark.postgres
def test_postgres_hub_refuses_oversized_events() -> None:
    require_postgres()

    async def main() -> None:
        hub = PostgresHub(PG_BASE, channel=f"hs_test_{uuid.uuid4().hex[:8]}")
        await hub.start()
        try:
            big = Event(id=1, at=AT, type="x", data={"body": "x" * 9000})
            with pytest.raises(ValueError, match="too big"):
                hub.publish([big])
        finally:
            await hub.stop()

    asyncio.run(main())


def test_subscribers_get_only_their_topics() -> None:
    async def main() -> tuple[list[int], list[int], list[int]]:
        hub = MemoryHub()
        async with (
            hub.subscribe(["agent:a1"]) as a1,
            hub.subscribe(["team:red", "queue"]) as red,
            hub.subscribe() as admin,
        ):
            hub.publish(
                [
                    ev(1, agent_id="a1", team_id="red"),
                    ev(2, agent_id="b1", team_id="blue"),
                    ev(3),  # queue-level
                    ev(4, agent_id="a1", team_id="red"),
                ]
            )
            got_a1 = [(await anext(a1)).id for _ in range(2)]
            got_red = [(await anext(red)).id for _ in range(3)]
            got_admin = [(await anext(admin)).id for _ in range(4)]
            assert a1 is not None
        return got_a1, got_red, got_admin

    got_a1, got_red, got_admin = asyncio.run(main())
    assert got_a1 == [1, 4]
    assert got_red == [1, 3, 4]
    assert got_admin == [1, 2, 3, 4]
