"""An advisor's home set-up as declared at the readiness check: what a pilot compares call
quality across (the seeds' "configurations SI et télécoms": wired or Wi-Fi, USB headset,
the internet access, a VPN)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

#: the kinds of internet access an advisor may declare
ACCESS_KINDS: Final = ("fibre", "dsl", "cable", "mobile", "satellite", "other")


@dataclass(frozen=True, slots=True)
class SetUp:
    """What the advisor declared (None: not said)."""

    wired: bool | None = None
    usb_headset: bool | None = None
    access: str | None = None
    vpn: bool | None = None

    def __post_init__(self) -> None:
        if self.access is not None and self.access not in ACCESS_KINDS:
            raise ValueError(f"access {self.access!r} is not one of {', '.join(ACCESS_KINDS)}")

    @property
    def key(self) -> str:
        """A stable name to group by: ``wired,usb_headset,fibre,no_vpn`` (``?`` for an
        answer not given)."""

        def said(value: bool | None, yes: str, no: str) -> str:
            return "?" if value is None else yes if value else no

        return ",".join(
            (
                said(self.wired, "wired", "wifi"),
                said(self.usb_headset, "usb_headset", "other_headset"),
                self.access or "?",
                said(self.vpn, "vpn", "no_vpn"),
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "wired": self.wired,
            "usb_headset": self.usb_headset,
            "access": self.access,
            "vpn": self.vpn,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SetUp:
        """From a stored check (an unknown or malformed entry reads as not said)."""
        if not isinstance(data, dict):
            return cls()

        def flag(name: str) -> bool | None:
            value = data.get(name)
            return value if isinstance(value, bool) else None

        access = data.get("access")
        return cls(
            wired=flag("wired"),
            usb_headset=flag("usb_headset"),
            access=access if access in ACCESS_KINDS else None,
            vpn=flag("vpn"),
        )
