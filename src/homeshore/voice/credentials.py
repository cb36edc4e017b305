"""The SIP credential an advisor's browser registers with, derived from a shared secret.

Kamailio's ``auth_ephemeral`` module checks it without any user database: the username is
``<expiry as Unix seconds>:<agent id>`` and the password base64(HMAC-SHA1(secret, username)).
homeshore issues one to an advisor's logged-in session only, for that advisor only and
never past the session's end; Kamailio refuses it for any other advisor and after expiry.
The same scheme is what coturn's ``use-auth-secret`` accepts for TURN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SipCredential:
    username: str
    password: str
    expires_s: int  # Unix seconds


def sip_credential(secret: str, agent_id: str, expires_s: int) -> SipCredential:
    username = f"{expires_s}:{agent_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return SipCredential(username, base64.b64encode(digest).decode(), expires_s)


def control_token(secret: str) -> str:
    """The bearer token of homeshore ↔ Kamailio requests, derived from the same secret
    (a copy of the token does not reveal the secret that signs advisors' credentials)."""
    return hmac.new(secret.encode(), b"homeshore-voice-control", hashlib.sha256).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)
