from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Scenario
from homeshore.domain.tables import FORECAST_COLUMNS, REQUIREMENT_COLUMNS
from homeshore.errors import InputError
from homeshore.staffing.pooling import POOLED_COLUMNS, pooled_requirements
from homeshore.staffing.pools import skill_pools
from homeshore.staffing.requirements import staff_requirements
from homeshore.staffing.sizing import StaffingTargets, required_agents, scheduled_agents
from tests.conftest import ROOT
from tests.scheduling.tiny import agent, scenario

BANK = load_scenario(ROOT / "examples" / "anonymous_bank.yaml")
TELECOM = load_scenario(ROOT / "examples" / "telecom_fr.yaml")


def forecast(
    sc: Scenario, volumes: list[dict[str, float]], aht_s: float | None = None
) -> pd.DataFrame:
    """One 30-minute interval per mapping (queue -> contacts), Mondays from 09:00."""
    start = pd.Timestamp("2026-11-02 09:00", tz=sc.timezone)
    rows = [
        {
            "queue": q.id,
            "start": start + pd.Timedelta(minutes=30 * k),
            "interval_min": 30,
            "volume": v.get(q.id, 0.0),
            "aht_s": q.default_aht_s if aht_s is None else aht_s,
        }
        for k, v in enumerate(volumes)
        for q in sc.queues
    ]
    frame = pd.DataFrame(rows).assign(volume_p10=np.nan, volume_p50=np.nan, volume_p90=np.nan)
    return frame[list(FORECAST_COLUMNS)]


def group_need(sc: Scenario, rows: pd.DataFrame, group: tuple[str, ...]) -> int:
    """A group's requirement recomputed here: its queues merged into one (summed arrivals,
    weighted handle time), the smallest staffing meeting each queue's targets with its own
    patience, never above the queues staffed alone."""
    g = rows[rows["queue"].isin(group)]
    lam = g["volume"].to_numpy() / 1800
    if lam.sum() == 0:
        return 0
    queues = [sc.queue(q) for q in g["queue"]]
    conc = {q.concurrency for q in queues}
    per_server = [
        a if len(conc) == 1 else a / q.concurrency for a, q in zip(g["aht_s"], queues, strict=True)
    ]
    aht = float(np.dot(lam, per_server) / lam.sum())
    spa = conc.pop() if len(conc) == 1 else 1
    need = max(
        int(
            required_agents(
                lam.sum(),
                aht,
                StaffingTargets.from_service_targets(q.targets),
                patience_s=q.default_patience_s,
                servers_per_agent=spa,
            )
        )
        for q, x in zip(queues, lam, strict=True)
        if x > 0
    )
    return min(need, int(g["standalone_agents"].sum()))


def test_a_queue_alone_in_its_pool_keeps_its_own_figures() -> None:
    sc = scenario([agent("a", skills=("q1",)), agent("b", skills=("q2",))], queues=("q1", "q2"))
    f = forecast(sc, [{"q1": 40, "q2": 3}, {"q1": 0, "q2": 12}])
    out = pooled_requirements(f, sc)
    assert list(out.columns) == list(POOLED_COLUMNS)
    alone = staff_requirements(f, sc)
    pd.testing.assert_frame_equal(out[list(REQUIREMENT_COLUMNS)], alone)
    assert list(out["pool"]) == list(out["queue"])
    assert (out["standalone_agents"] == alone["required_agents"]).all()


def test_the_bank_counts_its_advisors_once() -> None:
    # a late evening: the big queue quiet, the three small ones with a contact or less
    f = forecast(BANK, [{"PS": 30, "PE": 0.3, "IN": 0.5, "NE": 4, "NW": 6, "TT": 0.8}])
    out = pooled_requirements(f, BANK)
    share = dict(zip(out["queue"], out["required_agents"], strict=True))
    alone = dict(zip(out["queue"], out["standalone_agents"], strict=True))
    # staffed alone, each small queue takes a whole advisor
    assert alone["PE"] == alone["IN"] == alone["TT"] == 1
    # pooled: the English-speaking queue still needs one of its advisors, IN rides on NE's
    assert share["PE"] == 1 and share["IN"] == 0
    (pool,) = skill_pools(BANK)
    for group in pool.groups:
        assert sum(share[q] for q in group) >= group_need(BANK, out, group)
    # the fewest advisors meeting every group: the pool's need, or its three disjoint
    # smaller groups' (TT inside NW+TT) when they add up to more
    need = {g: group_need(BANK, out, g) for g in pool.groups}
    parts = need[("PE",)] + need[("IN", "NE")] + max(need[("NW", "TT")], need[("TT",)])
    assert sum(share.values()) == max(need[pool.queues], parts)
    assert sum(share.values()) < sum(alone.values())
    assert set(out["pool"]) == {pool.name}
    # the pool's service at its requirement, with each queue's threshold
    assert (out["service_level"] >= 0.8 - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {q.id: st.one_of(st.just(0.0), st.floats(0.05, 120.0)) for q in BANK.queues}
        ),
        min_size=1,
        max_size=4,
    )
)
def test_shares_give_every_skill_group_its_advisors(volumes: list[dict[str, float]]) -> None:
    out = pooled_requirements(forecast(BANK, volumes), BANK)
    (pool,) = skill_pools(BANK)
    s = BANK.planning.shrinkage
    for _, rows in out.groupby("start"):
        share = dict(zip(rows["queue"], rows["required_agents"], strict=True))
        sched = dict(zip(rows["queue"], rows["scheduled_agents"], strict=True))
        for group in pool.groups:
            need = group_need(BANK, rows, group)
            assert sum(share[q] for q in group) >= need
            alone = rows.loc[rows["queue"].isin(group), "standalone_agents"]
            alone_sched = int(scheduled_agents(alone.to_numpy(), s).sum())
            assert sum(sched[q] for q in group) >= min(int(scheduled_agents(need, s)), alone_sched)
        # exactly the fewest advisors meeting every group (the bank's groups nest or are
        # disjoint), never more than the queues staffed alone, only where contacts are
        need = {g: group_need(BANK, rows, g) for g in pool.groups}
        parts = need[("PE",)] + need[("IN", "NE")] + max(need[("NW", "TT")], need[("TT",)])
        assert sum(share.values()) == max(need[pool.queues], parts)
        assert sum(share.values()) <= rows["standalone_agents"].sum()
        assert ((rows["volume"] > 0) | (rows["required_agents"] == 0)).all()
        assert (sum(share.values()) > 0) == (rows["volume"].sum() > 0)


def test_chat_and_voice_share_advisors_in_agent_time() -> None:
    f = forecast(TELECOM, [{"plans_services": 120, "technical": 40, "legal_notices": 20}])
    out = pooled_requirements(f, TELECOM).set_index("queue")
    # the chat queue's own group: its own advisors, two chats each, as staffed alone
    assert (
        out.loc["legal_notices", "required_agents"] == out.loc["legal_notices", "standalone_agents"]
    )
    pool = out["required_agents"].sum()
    assert pool < out["standalone_agents"].sum()
    (whole,) = skill_pools(TELECOM)
    assert pool >= group_need(TELECOM, out.reset_index(), whole.queues)


def test_shrinkage_applies_to_each_group() -> None:
    f = forecast(BANK, [{"PS": 60, "PE": 0.3, "NE": 5}])
    out = pooled_requirements(f, BANK, shrinkage=0.3).set_index("queue")
    # the English group needs one advisor; after 30 % shrinkage, two
    assert out.loc["PE", "required_agents"] == 1 and out.loc["PE", "scheduled_agents"] == 2
    total = out["required_agents"].sum()
    assert out["scheduled_agents"].sum() >= math.ceil(total / 0.7 - 1e-9)
    none = pooled_requirements(f, BANK, shrinkage=0.0)
    assert (none["scheduled_agents"] == none["required_agents"]).all()


def test_bad_rows_are_named_as_by_the_per_queue_staffing() -> None:
    f = forecast(BANK, [{"PS": 10}]).astype({"aht_s": object})
    f.loc[2, "aht_s"] = "slow"
    with pytest.raises(InputError, match="aht_s is not a number") as err:
        pooled_requirements(f, BANK)
    assert err.value.where == "row 3, column aht_s"
