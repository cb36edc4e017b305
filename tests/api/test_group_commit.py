"""Group commit: use cases of one event-loop turn share a commit, their callers answer only
after it, and a failed commit undoes all of them (memory follows the database)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeshore.db.tables import AgentRow, ContactRow, EventRow
from homeshore.services import contacts
from homeshore.services import platform as platform_module
from homeshore.services.errors import Conflict, Unavailable
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import FrozenWrites
from tests.services.support import Live, live_app

ADMIN = Actor(1, "admin", Role.ADMIN, None, frozenset())


def _count(live: Live, table: type[ContactRow] | type[EventRow]) -> int:
    with live.platform.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_use_cases_of_one_turn_share_one_commit(live: Live) -> None:
    p = live.platform
    before = _count(live, ContactRow)

    async def two_contacts() -> tuple[int, int, int]:
        first, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        second, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c2"
        )
        pending = _count(live, ContactRow)  # another session sees nothing yet
        await asyncio.gather(p.durable(), p.durable())
        return first.id, second.id, pending

    portal = live.client.portal
    assert portal is not None
    first, second, pending = portal.call(two_contacts)
    assert pending == before
    assert second == first + 1
    assert _count(live, ContactRow) == before + 2
    with p.sessions() as session:
        created = session.scalars(
            select(EventRow.id).where(EventRow.type == "contact.created").order_by(EventRow.id)
        ).all()
    assert len(created) == 2
    assert created[0] < created[1]


def test_agent_rows_written_at_the_group_commit(live: Live) -> None:
    """An offer then an accept in one commit: the agent row ends busy (changes merged)."""
    p = live.platform
    with live.ws("a1"):
        assert live.go("a1", "available").json()["state"] == "available"
        a1 = Actor(p.agents["a1"].user_id or 0, "a1", Role.AGENT, "a1", frozenset({"red"}))

        async def offer_and_accept() -> None:
            row, _ = contacts.create_contact(
                p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
            )
            assert row.agent_id == "a1"
            contacts.accept(p, a1, row.id)
            with p.sessions() as session:  # not written yet
                assert session.get(AgentRow, "a1").state == "available"  # type: ignore[union-attr]
            await p.durable()

        portal = live.client.portal
        assert portal is not None
        portal.call(offer_and_accept)
        with p.sessions() as session:
            agent = session.get(AgentRow, "a1")
            assert agent is not None
            assert agent.state == "busy"
        assert live.get("a1", "/api/agents/a1").json()["state"] == "busy"


def test_failed_group_commit_undoes_every_use_case(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = live.platform
    before = _count(live, ContactRow)

    async def failing() -> list[object]:
        contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c2"
        )
        batch = p._batch
        assert batch is not None
        assert len(p.contacts) == 2

        def broken_commit() -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(batch.session, "commit", broken_commit)
        return list(await asyncio.gather(p.durable(), p.durable(), return_exceptions=True))

    portal = live.client.portal
    assert portal is not None
    results = portal.call(failing)
    assert all(isinstance(r, Unavailable) for r in results)
    assert _count(live, ContactRow) == before
    assert p.contacts == {}  # memory rebuilt from the database
    assert len(p.waiting) == 0
    # the platform keeps working afterwards
    assert live.new_contact("plans")["state"] == "queued"


def test_next_batch_forms_while_a_commit_is_in_flight(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit runs off the event loop: use cases that arrive meanwhile form the next
    batch, committed right after it, in order."""
    p = live.platform
    release = threading.Event()
    started = threading.Event()
    real_commit = p._commit

    def slow_commit(session: Session, writes: FrozenWrites) -> list[int]:
        started.set()
        assert release.wait(10)
        return real_commit(session, writes)

    monkeypatch.setattr(p, "_commit", slow_commit)

    async def two_batches() -> tuple[int, int, bool]:
        first, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        first_done = asyncio.ensure_future(p.durable())
        await asyncio.to_thread(started.wait, 10)  # the first batch is in the thread
        second, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c2"
        )
        second_done = asyncio.ensure_future(p.durable())
        await asyncio.sleep(0.05)
        waited = not first_done.done() and not second_done.done()
        release.set()
        await asyncio.gather(first_done, second_done)
        return first.id, second.id, waited

    portal = live.client.portal
    assert portal is not None
    first, second, waited = portal.call(two_batches)
    assert waited  # neither caller answered before its commit
    with p.sessions() as session:
        created = session.execute(
            select(EventRow.id, EventRow.contact_id)
            .where(EventRow.type == "contact.created")
            .order_by(EventRow.id)
        ).all()
    assert [cid for _id, cid in created] == [first, second]


def test_failed_commit_also_undoes_the_batch_built_on_it(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = live.platform
    before = _count(live, ContactRow)
    started = threading.Event()
    release = threading.Event()

    def failing_commit(session: Session, writes: FrozenWrites) -> list[int]:
        started.set()
        assert release.wait(10)
        raise RuntimeError("connection lost")

    async def scenario() -> list[object]:
        monkeypatch.setattr(p, "_commit", failing_commit)
        contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        first = asyncio.ensure_future(p.durable())
        await asyncio.to_thread(started.wait, 10)
        contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c2"
        )
        second = asyncio.ensure_future(p.durable())
        await asyncio.sleep(0)
        release.set()
        return list(await asyncio.gather(first, second, return_exceptions=True))

    portal = live.client.portal
    assert portal is not None
    results = portal.call(scenario)
    monkeypatch.undo()
    assert all(isinstance(r, Unavailable) for r in results)
    assert _count(live, ContactRow) == before
    assert p.contacts == {}
    assert live.new_contact("plans")["state"] == "queued"


def test_a_retry_the_memory_forgot_finds_the_stored_contact(live: Live) -> None:
    """An external id older than the retry window is checked at commit time: the batch is
    refused (try again) and the retry answers with the stored contact, never a second one."""
    p = live.platform
    first = live.new_contact("plans", external_id="call-77")
    p.external_ids.clear()  # as if the first announce were older than the window

    async def announce() -> tuple[int, bool]:
        row, created = contacts.create_contact(
            p,
            ADMIN,
            queue_id="plans",
            channel=None,
            priority=0,
            customer_ref="c",
            external_id="call-77",
        )
        await p.durable()
        return row.id, created

    portal = live.client.portal
    assert portal is not None
    with pytest.raises(Unavailable):
        portal.call(announce)
    assert portal.call(announce) == (first["id"], False)
    with p.sessions() as session:
        stored = session.scalar(
            select(func.count()).select_from(ContactRow).where(ContactRow.external_id == "call-77")
        )
    assert stored == 1


def test_contact_ids_are_reserved_in_blocks(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform_module, "ID_BLOCK", 3)
    p = live.platform
    p._free_ids = []
    ids = [live.new_contact("plans")["id"] for _ in range(7)]
    assert ids == sorted(set(ids))
    with p.sessions() as session:
        stored = session.scalars(select(ContactRow.id).where(ContactRow.id.in_(ids))).all()
    assert sorted(stored) == ids


def test_a_use_case_failing_while_a_commit_is_in_flight_keeps_that_commit(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory is rebuilt from the database after a failure: the commit in flight (made by
    other use cases) must land first, or its contact would vanish from memory."""
    p = live.platform
    release = threading.Event()
    started = threading.Event()
    real_commit = p._commit

    def slow_commit(session: Session, writes: FrozenWrites) -> list[int]:
        started.set()
        assert release.wait(10)
        return real_commit(session, writes)

    monkeypatch.setattr(p, "_commit", slow_commit)

    async def scenario() -> tuple[int, object]:
        first, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        first_done = asyncio.ensure_future(p.durable())
        await asyncio.to_thread(started.wait, 10)
        threading.Timer(0.1, release.set).start()  # the commit lands while the loop waits
        try:
            with p.transaction(group=True):
                raise RuntimeError("a use case fails")
        except RuntimeError as exc:
            failure: object = exc
        await first_done
        return first.id, failure

    portal = live.client.portal
    assert portal is not None
    first, failure = portal.call(scenario)
    assert isinstance(failure, RuntimeError)
    assert first in p.contacts  # memory rebuilt after the commit in flight landed
    assert p.contacts[first].state == "queued"
    assert live.get("admin", f"/api/contacts/{first}").json()["state"] == "queued"


def test_the_retry_window_forgets_external_ids_oldest_first(db_url: str) -> None:
    """External ids are remembered for ``contact_retry_window_h`` after their contact's
    creation, then left to the check at commit time."""
    with live_app(db_url, contact_retry_window_h=1.0) as live:
        p = live.platform
        old = live.new_contact("plans", external_id="call-old")
        live.tick(40 * 60)
        recent = live.new_contact("plans", external_id="call-recent")
        live.tick(20 * 60)  # the first is an hour old: still in the window
        assert p.external_ids == {"call-old": old["id"], "call-recent": recent["id"]}
        live.tick(1)
        assert p.external_ids == {"call-recent": recent["id"]}
        live.tick(40 * 60)
        assert p.external_ids == {}
        # a retry of a forgotten id: refused once (try again), then answered with it
        body = {"queue_id": "plans", "customer_ref": "c", "external_id": "call-old"}
        assert live.post("admin", "/api/contacts", body).status_code == 503
        again = live.post("admin", "/api/contacts", body)
        assert (again.status_code, again.json()["id"]) == (200, old["id"])


def test_a_use_case_refused_before_any_change_leaves_the_others_of_its_commit(
    live: Live,
) -> None:
    """Each request's outcome is its own: an agent refused a state change in the same
    event-loop turn as a new contact does not make that contact's commit fail."""
    p = live.platform
    before = _count(live, ContactRow)

    async def together() -> tuple[int, object, object]:
        row, _ = contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        try:
            with p.transaction(group=True):
                raise Conflict("refused before changing anything")
        except Conflict as exc:
            refused: object = exc
        outcome = (await asyncio.gather(p.durable(), return_exceptions=True))[0]
        return row.id, refused, outcome

    portal = live.client.portal
    assert portal is not None
    created, refused, outcome = portal.call(together)
    assert isinstance(refused, Conflict)
    assert outcome is None, outcome  # the contact's commit went through
    assert _count(live, ContactRow) == before + 1
    assert p.contacts[created].state == "queued"


def test_a_use_case_refused_after_changing_rows_undoes_its_commit(live: Live) -> None:
    """A refusal half-way through (rows already changed) cannot be separated from the
    batch it shares: the whole batch is undone and its callers are told to retry."""
    p = live.platform
    before = _count(live, ContactRow)

    async def half_way() -> object:
        contacts.create_contact(
            p, ADMIN, queue_id="plans", channel=None, priority=0, customer_ref="c1"
        )
        try:
            with p.transaction(group=True) as tx:
                tx.emit("note", {"n": 1})
                raise Conflict("refused after a change")
        except Conflict:
            pass
        return (await asyncio.gather(p.durable(), return_exceptions=True))[0]

    portal = live.client.portal
    assert portal is not None
    outcome = portal.call(half_way)
    assert isinstance(outcome, Unavailable)
    assert _count(live, ContactRow) == before
    assert p.contacts == {}
