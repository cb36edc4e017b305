"""Seats per site and slot: agents at a site (not at lunch) never outnumber its seats;
home agents take no seat."""

from __future__ import annotations

from homeshore.scheduling.constraints.base import ModelRule
from homeshore.scheduling.model import RosterModel


def post_seats(rm: RosterModel) -> None:
    """With `elastic_seats` (batch construction) an overflow variable, priced far above any
    soft goal, lets the search start from a schedule that breaks the rule and repair it."""
    for site in rm.problem.scenario.sites:
        for slot, expr in rm.seat_use(site.id).items():
            free = rm.seats_free(site.id, site.seats, slot)
            if rm.elastic_seats:
                overflow = rm.model.new_int_var(0, len(rm.agents) + max(0, -free), "")
                rm.seat_overflow.append(overflow)
                expr = expr - overflow
            rm.add_le("seats", f"{site.id} slot {slot}", expr, free)


SEATS = ModelRule("seats", "agents at a site within its seats", post_seats)
