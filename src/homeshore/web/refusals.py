"""The platform's refusals an advisor or a manager meets, worded in the page's language.

The use cases refuse in English (API clients read those words). A page shows the refusals
listed here in its own language; any other one is shown as the server worded it. A test
checks that each sentence below is still one the use cases say, word for word.
"""

from __future__ import annotations

from typing import Final

from homeshore.web.i18n import Translator

#: the server's words -> interface text key
REFUSALS: Final[dict[str, str]] = {
    "outside your scheduled working time (right to disconnect)": "refusal.outside_hours",
    "working from home needs a passed readiness check (/api/readiness/probe)": "refusal.readiness",
    (
        "your home readiness check is due again: run it before working from home "
        "(/api/readiness/probe)"
    ): "refusal.readiness_due",
    "say where you work from (site, telecentre or home)": "refusal.location",
    (
        "the schedule has you on a site or in a telecentre today, not at home (ask your planner)"
    ): "refusal.home_off_schedule",
    "open the websocket (/api/ws) before going available": "refusal.no_connection",
    "finish the contacts in hand first": "refusal.contacts_in_hand",
    "finish the contacts in hand before signing out": "refusal.sign_out_busy",
    "give exactly one of to_queue and to_agent": "refusal.transfer_one",
    "the contact is already with that agent": "refusal.same_agent",
    "a message cannot be empty": "refusal.empty_message",
    "not your team": "refusal.not_your_team",
    "nobody can take this offer under the rules": "refusal.nobody_may",
    "this slot starts now or has started: it cannot be offered": "refusal.slot_started",
    "the slot ends before it starts": "refusal.slot_order",
}


def refusal_texts(translator: Translator) -> dict[str, str]:
    """For the page scripts: the server's words -> the reader's words."""
    return {english: translator(key) for english, key in REFUSALS.items()}


def refusal(translator: Translator, reason: str) -> str:
    """One refusal of the server, in the reader's words when it is listed."""
    key = REFUSALS.get(reason)
    return translator(key) if key is not None else reason
