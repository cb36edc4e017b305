"""Contact commands sent over the websocket (cheaper than one HTTP request each).

``{"type": "command", "ref": any, "action": "accept" | "reject" | "complete" | "wrap_up",
"contact_id": int, "disposition": str, "next_state": str}`` is answered by
``{"type": "result", "ref": ..., "ok": true, "contact": {...}}`` or
``{"type": "result", "ref": ..., "ok": false, "status": 4xx, "detail": ..., "field": ...}``:
the same services, checks and errors as the HTTP routes (401 once the socket's session
has ended: the socket then closes with 4401).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from homeshore.api.schemas import ContactOut, WrapUpIn
from homeshore.services import contacts
from homeshore.services.errors import ServiceError
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor
from homeshore.services.states import AgentState

ACTIONS = ("accept", "reject", "complete", "wrap_up")


async def run(platform: Platform, actor: Actor, message: dict[str, Any]) -> str:
    """The command's result message, as JSON text (the contact serialised once)."""
    ref = message.get("ref")
    action = message.get("action")
    contact_id = message.get("contact_id")
    if action not in ACTIONS:
        return _error(ref, 422, f"action must be one of {', '.join(ACTIONS)}", "action")
    if (
        not isinstance(contact_id, int)
        or isinstance(contact_id, bool)
        or not 1 <= contact_id < 2**62
    ):
        return _error(ref, 422, "contact_id must be a positive integer", "contact_id")
    try:
        if action == "accept":
            row = contacts.accept(platform, actor, contact_id)
        elif action == "reject":
            row = contacts.reject(platform, actor, contact_id)
        elif action == "complete":
            row = contacts.complete(platform, actor, contact_id)
        else:
            body = WrapUpIn.model_validate(
                {
                    "disposition": message.get("disposition"),
                    "next_state": message.get("next_state", "available"),
                }
            )
            row = contacts.wrap_up(
                platform,
                actor,
                contact_id,
                disposition=body.disposition,
                next_state=AgentState(body.next_state),
            )
        await platform.durable()  # the result goes out once the change is committed
    except ServiceError as exc:
        return _error(ref, exc.status, exc.reason, exc.field)
    except ValidationError as exc:
        first = exc.errors()[0]
        return _error(ref, 422, first["msg"], ".".join(str(x) for x in first["loc"]))
    contact = ContactOut.model_validate(row).model_dump_json()
    # ``ref`` came from the client's JSON message, so it goes back as JSON as it is
    return f'{{"type":"result","ref":{json.dumps(ref)},"ok":true,"contact":{contact}}}'


def refused(message: dict[str, Any], reason: str) -> str:
    """The answer to a command sent on a socket whose session ended (``reason``): 401, as
    an HTTP route answers a request without a valid session."""
    return _error(message.get("ref"), 401, f"{reason}: log in again", None)


def _error(ref: object, status: int, detail: str, field: str | None) -> str:
    return json.dumps(
        {
            "type": "result",
            "ref": ref,
            "ok": False,
            "status": status,
            "detail": detail,
            "field": field,
        }
    )
