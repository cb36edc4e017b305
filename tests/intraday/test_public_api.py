from __future__ import annotations

import homeshore.intraday as intraday
import homeshore.intraday.offers as offers


def test_public_api_is_pinned() -> None:
    assert sorted(intraday.__all__) == [
        "Candidate",
        "EXTRA",
        "GAP_COLUMNS",
        "QueueLevel",
        "Reforecast",
        "Slot",
        "TIME_OFF",
        "add_work",
        "extra_time_candidates",
        "extra_time_slots",
        "reforecast_day",
        "remove_work",
        "scheduled_per_interval",
        "staffing_gap",
        "time_off_candidates",
        "time_off_slots",
        "violations_added",
    ]
    for name in intraday.__all__:
        assert getattr(intraday, name) is not None


def test_offers_module_carries_the_whole_offer_interface() -> None:
    """The live platform codes against homeshore.intraday.offers as specified."""
    for name in (
        "Slot",
        "Candidate",
        "extra_time_slots",
        "time_off_slots",
        "extra_time_candidates",
        "time_off_candidates",
        "add_work",
        "remove_work",
        "violations_added",
    ):
        assert getattr(offers, name) is getattr(intraday, name)
