from __future__ import annotations

import typing

import pytest

from homeshore.api.schemas import Access
from homeshore.readiness.setup import ACCESS_KINDS, SetUp


def test_a_set_up_is_named_the_same_way_whatever_is_said() -> None:
    assert SetUp(True, True, "fibre", False).key == "wired,usb_headset,fibre,no_vpn"
    assert SetUp(False, False, "mobile", True).key == "wifi,other_headset,mobile,vpn"
    assert SetUp().key == "?,?,?,?"


def test_a_stored_set_up_reads_back_and_a_malformed_one_reads_as_unsaid() -> None:
    said = SetUp(True, None, "dsl", True)
    assert SetUp.from_dict(said.to_dict()) == said
    assert SetUp.from_dict({"wired": "yes", "access": "modem"}) == SetUp()
    assert SetUp.from_dict(None) == SetUp()
    with pytest.raises(ValueError, match="access 'modem'"):
        SetUp(access="modem")


def test_the_api_offers_the_access_kinds_the_domain_knows() -> None:
    assert typing.get_args(Access) == ACCESS_KINDS
