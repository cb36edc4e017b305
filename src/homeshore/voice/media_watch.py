"""A line that goes silent: the advisor's side of a connected call stops sending media.

A home line that drops without closing anything (a router that stalls, a laptop that
sleeps, Wi-Fi lost) leaves the softphone's WebSocket open for as long as TCP takes to give
up, minutes. Its media stops at once: a softphone sends packets all through a call, muted
or on hold too (the microphone's silence is sent). So the relay's count of packets
received from the advisor is watched; when it has not moved for ``silence_s``, the line
is taken as dropped and the call follows the dropped-call path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: the default for HOMESHORE_VOICE_MEDIA_SILENCE_S: a few seconds of no packet at all
#: (a softphone sends 50 a second), long enough for a Wi-Fi hand-over
MEDIA_SILENCE_S = 6.0


def received_packets(query: Mapping[str, Any], tag: str) -> int | None:
    """Packets (RTP and RTCP) the relay received from party ``tag``, from rtpengine's
    ``query`` answer; None when the call has no such party."""
    tags = query.get("tags")
    party = tags.get(tag) if isinstance(tags, Mapping) else None
    if not isinstance(party, Mapping):
        return None
    total = 0
    for media in party.get("medias") or ():
        for stream in media.get("streams") or () if isinstance(media, Mapping) else ():
            stats = stream.get("stats") if isinstance(stream, Mapping) else None
            packets = stats.get("packets") if isinstance(stats, Mapping) else None
            if isinstance(packets, int):
                total += packets
    return total


@dataclass
class SilenceWatch:
    """Per call, the last packet count seen and since when it has not moved."""

    silence_s: float
    _seen: dict[int, tuple[int, float]] = field(default_factory=dict)

    def observe(self, key: int, packets: int, now_s: float) -> bool:
        """Record a count at ``now_s`` (a monotonic clock); True once it has not moved
        for ``silence_s``."""
        last = self._seen.get(key)
        if last is None or packets != last[0]:
            self._seen[key] = (packets, now_s)
            return False
        return now_s - last[1] >= self.silence_s

    def forget(self, key: int) -> None:
        self._seen.pop(key, None)
