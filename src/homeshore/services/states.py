"""Agent states and the explicit table of allowed transitions.

Every state has a way out (a test walks the table), so an agent never stays stuck in
reserved or busy (freeswitch#2540): a missed offer times out, a dropped connection becomes
``disconnected``, and a supervisor can always log an agent off.
"""

from __future__ import annotations

import enum
from typing import Final


class AgentState(enum.StrEnum):
    OFFLINE = "offline"  # logged off
    AVAILABLE = "available"  # waiting for a contact
    RESERVED = "reserved"  # a contact is offered, waiting for accept
    BUSY = "busy"  # handling one or more contacts
    WRAP_UP = "wrap_up"  # after-contact work, before the disposition
    BREAK = "break"  # not ready: break, lunch, or a missed offer
    TRAINING = "training"
    DISCONNECTED = "disconnected"  # its connection dropped; contacts in hand are kept


S = AgentState

#: from state -> states it may go to, and what moves it there (documentation of the table)
TRANSITIONS: Final[dict[AgentState, dict[AgentState, str]]] = {
    S.OFFLINE: {
        S.AVAILABLE: "logs in ready",
        S.BREAK: "logs in not ready",
        S.TRAINING: "logs in for training",
    },
    S.AVAILABLE: {
        S.RESERVED: "a contact is offered",
        S.BUSY: "takes a transferred contact",
        S.BREAK: "goes not ready",
        S.TRAINING: "goes to training",
        S.OFFLINE: "logs off",
        S.DISCONNECTED: "connection drops",
    },
    S.RESERVED: {
        S.BUSY: "accepts the offer",
        S.AVAILABLE: "rejects the offer",
        S.BREAK: "lets the offer time out (not ready)",
        S.OFFLINE: "logs off (the contact goes back to the head of its queue)",
        S.DISCONNECTED: "connection drops (the contact goes back to the head of its queue)",
    },
    S.BUSY: {
        S.WRAP_UP: "ends its last contact",
        S.AVAILABLE: "transfers its last contact away, or a manager takes it over",
        S.RESERVED: "its last contact leaves (transfer, take-over) while another is offered",
        S.DISCONNECTED: "connection drops (contacts in hand stay with the agent)",
        S.OFFLINE: "logged off by a supervisor (contacts go back to their queues)",
    },
    S.WRAP_UP: {
        S.AVAILABLE: "sets the disposition",
        S.BUSY: "takes another chat while wrapping up",
        S.BREAK: "sets the disposition and goes not ready",
        S.TRAINING: "sets the disposition and goes to training",
        S.OFFLINE: "sets the disposition and logs off",
        S.DISCONNECTED: "connection drops",
    },
    S.BREAK: {
        S.AVAILABLE: "back from break",
        S.TRAINING: "goes to training",
        S.OFFLINE: "logs off",
        S.DISCONNECTED: "connection drops",
    },
    S.TRAINING: {
        S.AVAILABLE: "back from training",
        S.BREAK: "goes not ready",
        S.OFFLINE: "logs off",
        S.DISCONNECTED: "connection drops",
    },
    S.DISCONNECTED: {
        S.AVAILABLE: "reconnects with nothing in hand",
        S.BUSY: "reconnects with contacts in hand",
        S.WRAP_UP: "reconnects with a contact to wrap up",
        S.BREAK: "reconnects not ready",
        S.OFFLINE: "stays away: logged off by a supervisor or the server",
    },
}

#: states an agent may ask for itself through the API
SELF_SERVICE: Final = frozenset({S.AVAILABLE, S.BREAK, S.TRAINING, S.OFFLINE})
#: states in which an agent counts as logged in
LOGGED_IN: Final = frozenset(set(AgentState) - {S.OFFLINE})
#: states in which the router may give the agent a contact (capacity permitting)
ROUTABLE: Final = frozenset({S.AVAILABLE, S.RESERVED, S.BUSY})


def allowed(current: AgentState, target: AgentState) -> bool:
    return current == target or target in TRANSITIONS[current]
