from __future__ import annotations

from homeshore.routing import WaitingContact, WaitingRoom


def test_lanes_are_fifo_and_removal_is_lazy() -> None:
    room = WaitingRoom()
    a, b, c = (WaitingContact(i, "q", float(i)) for i in range(3))
    vip = WaitingContact(9, "q", 5.0, priority=1)
    for x in (a, b, c, vip):
        room.push(x)
    assert len(room) == 4
    assert room.head("q", 0.0) == vip
    assert set(room.heads(0.0)) == {a, vip}
    room.remove(b)  # middle: lazy
    room.remove(a)  # head
    assert room.heads(0.0, ["q"]) == [c, vip] or set(room.heads(0.0)) == {c, vip}
    assert len(room) == 2
    assert list(room.drain()) in ([c, vip], [vip, c])


def test_expired_contacts_leave_at_the_head() -> None:
    room = WaitingRoom()
    room.push(WaitingContact(1, "q", 0.0, deadline_s=10.0))
    room.push(WaitingContact(2, "q", 1.0, deadline_s=100.0))
    head = room.head("q", 10.0)
    assert head is not None and head.id == 2
    assert [c.id for c in room.expired] == [1]
    assert len(room) == 1
    assert room.heads(0.0, ["other"]) == []
