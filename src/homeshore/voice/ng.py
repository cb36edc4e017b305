"""A small client of rtpengine's control protocol ("ng": a cookie and a bencoded
dictionary per UDP datagram), for what Kamailio's rtpengine module does not do for
homeshore: liveness, per-call statistics, playing media into a call."""

from __future__ import annotations

import itertools
import os
import socket
from typing import Any

import bencodepy

# rtpengine writes a dictionary's keys in its own order, not bencode's sorted one: the
# decoder must take them as they come
_bencode: Any = bencodepy.encode
_bdecode: Any = bencodepy.decode


class NgError(Exception):
    """rtpengine answered with an error, or not at all."""


class NgClient:
    def __init__(self, address: tuple[str, int], *, timeout_s: float = 2.0) -> None:
        self._address = address
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.settimeout(timeout_s)
        self._prefix = os.urandom(4).hex()
        self._counter = itertools.count()

    def close(self) -> None:
        self._sock.close()

    def command(self, name: str, **args: Any) -> dict[str, Any]:
        """Send one command; its answer as a dict of str keys (bytes values decoded)."""
        cookie = f"{self._prefix}{next(self._counter)}".encode()
        payload = {k.replace("_", "-").encode(): _encode(v) for k, v in args.items()}
        payload[b"command"] = name.encode()
        self._sock.sendto(cookie + b" " + _bencode(payload), self._address)
        while True:
            try:
                data = self._sock.recv(65535)
            except TimeoutError as exc:
                raise NgError(f"rtpengine at {self._address} did not answer {name!r}") from exc
            got, _, body = data.partition(b" ")
            if got == cookie:
                break
        try:
            answer = _decode(_bdecode(body))
        except bencodepy.BencodeDecodeError as exc:
            raise NgError(f"rtpengine answered {name!r} with undecodable data") from exc
        if not isinstance(answer, dict):
            raise NgError(f"rtpengine answered {name!r} with {answer!r}")
        if answer.get("result") == "error":
            raise NgError(f"rtpengine refused {name!r}: {answer.get('error-reason', '?')}")
        return answer

    def ping(self) -> None:
        if self.command("ping").get("result") != "pong":
            raise NgError("rtpengine did not answer pong")


def _encode(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        return {_decode(k): _decode(v) for k, v in value.items()}
    return value
