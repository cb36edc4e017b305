"""`homeshore pilot export`: a live platform run through the real app (two home and two
site advisors, home calls shorter by design, over two days) is exported as a person-period
panel, and `pilot compare` on that file finds the shorter home handle time."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.domain import WorkMode
from homeshore.services import voice
from homeshore.services.scope import Actor, Role
from tests.api.probe_client import measured_check
from tests.services.support import START, Live, database_url, live_app, mini_scenario

WRAP_S = 20.0
DAY_S = 86_400.0
ALL_MET = {"greeting": "met", "identity": "met", "answer": "met"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


def _scenario() -> Any:
    """mini.yaml with a2 a home volunteer too: two home advisors (h1, a2)."""
    scenario = mini_scenario()
    agents = tuple(
        dataclasses.replace(
            a,
            work_modes=frozenset({WorkMode.SITE, WorkMode.HOME}),
            telework_volunteer=True,
            telework_consent_date=START.date(),
        )
        if a.id == "a2"
        else a
        for a in scenario.agents
    )
    return dataclasses.replace(scenario, agents=agents)


def _handle(
    live: Live,
    agent: str,
    talk_s: float,
    *,
    location: str,
    customer: str,
    escalate: bool = False,
    mos: bool = False,
) -> int:
    """One call answered by `agent` alone available, talked `talk_s`, wrapped up in WRAP_S."""
    with live.ws(agent):
        assert live.go(agent, "available", location=location).status_code == 200
        cid: int = live.new_contact("plans", customer_ref=customer)["id"]
        assert live.post(agent, f"/api/contacts/{cid}/accept").status_code == 200
        if escalate:
            r = live.post(agent, f"/api/contacts/{cid}/escalate", {"note": "refund?"})
            assert r.status_code == 200, r.text
        if mos:
            actor = Actor(0, agent, Role.AGENT, agent, frozenset({"red"}))
            live.on_loop(
                voice.record_quality,
                live.platform,
                actor,
                cid,
                rtt_ms=20.0,
                jitter_ms=2.0,
                loss_pct=0.0,
            )
        live.clock.advance(talk_s)
        assert live.post(agent, f"/api/contacts/{cid}/complete").status_code == 200
        live.clock.advance(WRAP_S)
        done = {"disposition": "solved", "next_state": "offline"}
        assert live.post(agent, f"/api/contacts/{cid}/wrap-up", done).status_code == 200
    return cid


def _run_pilot(live: Live) -> dict[str, int]:
    with live.ws("h1"), live.ws("a2"):
        for home in ("h1", "a2"):
            assert measured_check(live, home, wired=True).json()["check"]["verdict"] == "pass"
    ids: dict[str, int] = {}
    # day 1: h1 takes one call on site (home stays its place: 2 of 3 calls)
    ids["h1"] = _handle(live, "h1", 200, location="home", customer="c01")
    _handle(live, "h1", 220, location="home", customer="c02")
    _handle(live, "h1", 400, location="site", customer="c03")
    ids["a2"] = _handle(live, "a2", 180, location="home", customer="c04", escalate=True)
    _handle(live, "a2", 240, location="home", customer="c05")
    ids["a1"] = _handle(live, "a1", 300, location="site", customer="again", mos=True)
    _handle(live, "a1", 320, location="site", customer="c06")
    ids["b1"] = _handle(live, "b1", 280, location="site", customer="c07")
    _handle(live, "b1", 360, location="site", customer="c08")
    # day 2; b1's caller called a1 the day before (a repeat of a1's first call)
    live.clock.advance(DAY_S)
    _handle(live, "h1", 210, location="home", customer="c09")
    _handle(live, "a2", 190, location="home", customer="c10")
    _handle(live, "a1", 310, location="site", customer="c11")
    _handle(live, "b1", 330, location="site", customer="again")
    for who, cid in ids.items():
        body = {"form_id": "calls", "ratings": ALL_MET}
        assert live.post("admin", f"/api/contacts/{cid}/evaluations", body).status_code == 201
        body = {"csat": 5 if who in ("h1", "a2") else 3, "source": "web"}
        assert live.post("admin", f"/api/contacts/{cid}/satisfaction", body).status_code == 201
    return ids


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_export_feeds_compare_with_the_home_difference(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with live_app(db_url, scenario=_scenario(), session_ttl_s=7 * DAY_S) as live:
        _run_pilot(live)
    monkeypatch.setenv("HOMESHORE_DATABASE_URL", db_url)
    out = tmp_path / "panel.csv"
    day1 = START.date().isoformat()
    day2 = (START.date() + pd.Timedelta(days=1)).isoformat()
    argv = ["pilot", "export", "--out", str(out), "--period", "day", "--since", day1]
    code, said, err = _cli([*argv, "--timezone", "Europe/Paris"], capsys)
    assert code == 0, err
    assert "8 rows (4 advisors, 13 contacts, by day)" in said

    panel = pd.read_csv(out, keep_default_na=True)
    by = panel.set_index(["person", "period"])
    counts = by["contacts"].to_dict()
    assert counts == {
        ("a1", day1): 2,
        ("a1", day2): 1,
        ("a2", day1): 2,
        ("a2", day2): 1,
        ("b1", day1): 2,
        ("b1", day2): 1,
        ("h1", day1): 3,
        ("h1", day2): 1,
    }
    h1 = by.loc[("h1", day1)]
    assert (h1["group"], h1["group_share"], h1["person_group"]) == ("home", 2 / 3, "home")
    assert h1["setup"].startswith("wired")
    assert h1["aht_s"] == pytest.approx((200 + 220 + 400) / 3 + WRAP_S)
    assert (h1["talk_s"], h1["wrap_s"]) == pytest.approx(((200 + 220 + 400) / 3, WRAP_S))
    assert by.loc[("a2", day1), "help_rate"] == 0.5
    assert by.loc[("a1", day1), "repeat_rate"] == 0.5  # "again" called b1 the next day
    assert by.loc[("b1", day2), "repeat_rate"] == 0.0
    assert (by["transfers_rate"] == 0).all() and (by["job"] == "plans").all()
    assert by.loc[("a1", day1), "evaluation_score"] == 100.0
    assert pd.isna(by.loc[("a1", day2), "evaluation_score"])
    assert (by.loc[("a2", day1), "csat"], by.loc[("b1", day1), "csat"]) == (5.0, 3.0)
    assert by.loc[("a1", day1), "mos_samples"] == 1 and by.loc[("a1", day1), "mos"] > 4
    assert pd.isna(by.loc[("b1", day1), "mos"])
    assert (by.loc[by["group"] == "site", "setup"].isna()).all()

    compare = ["pilot", "compare", str(out), "--group", "group", "--treated", "home"]
    code, said, err = _cli([*compare, "--outcome", "aht_s", "--json"], capsys)
    assert code == 0, err
    result = json.loads(said)
    assert result["estimate"] < 0  # home calls are shorter
    assert (result["n_treated"], result["n_control"]) == (2, 2)
    assert (result["rows_treated"], result["rows_control"]) == (4, 4)
    assert result["cluster_by"] == "person"

    # Parquet, by week: one row per advisor; --until before the first day: nothing
    weekly = tmp_path / "panel.parquet"
    argv = ["pilot", "export", "--out", str(weekly), "--timezone", "Europe/Paris"]
    assert _cli(argv, capsys)[0] == 0
    week = pd.read_parquet(weekly)
    assert week.groupby("person")["contacts"].sum().to_dict() == {
        "a1": 3,
        "a2": 3,
        "b1": 3,
        "h1": 4,
    }
    assert week["period"].nunique() == 1  # a Tuesday and the Wednesday after
    empty = tmp_path / "none.csv"
    code, _, err = _cli(["pilot", "export", "--out", str(empty), "--until", "2000-01-01"], capsys)
    assert code == 2 and "no contact was handled" in err and not empty.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "{dir}/panel.xlsx"], "must be a .csv or .parquet file"),
        (["--out", "{dir}/nowhere/panel.csv"], "no such directory"),
        (["--out", "{dir}/p.csv", "--period", "month"], "'month' is not a period: day or week"),
        (["--out", "{dir}/p.csv", "--since", "10/03/2026"], "is not a date (YYYY-MM-DD)"),
        (
            ["--out", "{dir}/p.csv", "--since", "2026-03-10", "--until", "2026-03-01"],
            "--since 2026-03-10 is after --until 2026-03-01",
        ),
        (["--out", "{dir}/p.csv", "--repeat-days", "0"], "0 is not a number of days"),
        (["--out", "{dir}/p.csv", "--timezone", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    extra: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HOMESHORE_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    argv = ["pilot", "export", *(a.format(dir=tmp_path) for a in extra)]
    code, _, err = _cli(argv, capsys)
    assert code == 2
    assert message in " ".join(err.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_database_without_the_live_tables_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOMESHORE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    out = tmp_path / "p.csv"
    code, _, err = _cli(["pilot", "export", "--out", str(out)], capsys)
    assert code == 2 and "no live platform tables" in err and not out.exists()
