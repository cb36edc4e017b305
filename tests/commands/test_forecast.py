from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from homeshore.cli import main
from homeshore.domain.tables import FORECAST_COLUMNS

FIXTURE = Path(__file__).resolve().parents[1] / "forecasting" / "data" / "bank_1999_ps_nw_30min.csv"
TZ = ["--timezone", "Asia/Jerusalem"]


def test_forecast_writes_table_daily_and_plot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, plot, daily = tmp_path / "f.csv", tmp_path / "f.png", tmp_path / "daily.csv"
    argv = ["forecast", str(FIXTURE), "-o", str(out), "--weeks", "2", "--plot", str(plot)]
    code = main([*argv, "--daily-out", str(daily), *TZ])
    assert code == 0, capsys.readouterr().err
    table = pd.read_csv(out)
    assert tuple(table.columns) == FORECAST_COLUMNS
    assert set(table["queue"]) == {"PS", "NW"}
    starts = pd.to_datetime(table["start"], utc=True).dt.tz_convert("Asia/Jerusalem")
    assert starts.min() == pd.Timestamp("1999-04-18", tz="Asia/Jerusalem")
    assert len(table) == 2 * 14 * 48
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    by_day = table.assign(date=starts.dt.date.astype(str)).groupby(["queue", "date"])["volume"]
    days = pd.read_csv(daily).set_index(["queue", "date"])["volume"]
    pd.testing.assert_series_equal(by_day.sum(), days.loc[by_day.sum().index], check_names=False)
    text = capsys.readouterr().out
    assert "daily_profile" in text and "PS" in text
    # Saturday daytime the bank is closed (Shabbat): nothing forecast there
    saturday = table[(starts.dt.dayofweek == 5) & (starts.dt.hour >= 8) & (starts.dt.hour < 12)]
    assert (saturday["volume"] == 0).all()


def test_forecast_parquet_and_method_choice(tmp_path: Path) -> None:
    out = tmp_path / "f.parquet"
    assert (
        main(["forecast", str(FIXTURE), "-o", str(out), "-w", "1", "--method", "direct", *TZ]) == 0
    )
    table = pd.read_parquet(out)
    assert isinstance(table["start"].dtype, pd.DatetimeTZDtype)
    assert len(table) == 2 * 7 * 48


def test_backtest_prints_the_table_and_writes_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.csv"
    argv = ["backtest", str(FIXTURE), "--min-train-weeks", "3", "-o", str(out), *TZ]
    assert main([*argv, "--methods", "daily_profile,seasonal_naive"]) == 0
    text = capsys.readouterr().out
    assert "poisson_floor" in text and "3 weekly origins" in text
    scores = pd.read_csv(out)
    assert set(scores["method"]) == {"daily_profile", "seasonal_naive", "poisson_floor"}
    assert set(scores["queue"]) == {"PS", "NW", "all"}


def test_bad_value_is_reported_with_queue_and_interval_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    table = pd.read_csv(FIXTURE)
    table.loc[10, "offered"] = -4
    table.to_csv(bad, index=False)
    out = tmp_path / "f.csv"
    out.write_text("previous forecast\n")
    assert main(["forecast", str(bad), "-o", str(out), *TZ]) == 2
    err = capsys.readouterr().err
    assert "offered is negative" in err and "queue NW" in err and "1999-03-07T13:00" in err
    assert out.read_text() == "previous forecast\n"
    assert list(tmp_path.iterdir()) == [bad, out] or sorted(tmp_path.iterdir()) == sorted(
        [bad, out]
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forecast", str(FIXTURE), "-o", "x.csv"], "timezone is unknown"),
        (["forecast", str(FIXTURE), "-o", "x.txt", *TZ], "output must be a .csv or .parquet"),
        (["forecast", "nowhere.csv", "-o", "x.csv", *TZ], "history file not found"),
        (["forecast", str(FIXTURE), "-o", "x.csv", "--method", "magic", *TZ], "unknown method"),
        (["forecast", str(FIXTURE), "-o", "x.csv", "--event", "x:2026-13-01", *TZ], "--event"),
        (["backtest", str(FIXTURE), "--methods", "magic", *TZ], "unknown method"),
        (["backtest", str(FIXTURE), "--min-train-weeks", "9", *TZ], "too short for a backtest"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def _daily(tmp_path: Path, name: str, *options: str) -> pd.DataFrame:
    out, daily = tmp_path / f"{name}.csv", tmp_path / f"{name}_daily.csv"
    argv = ["forecast", str(FIXTURE), "-o", str(out), "-w", "1", "--daily-out", str(daily)]
    assert main([*argv, *options]) == 0
    return pd.read_csv(daily).set_index(["queue", "date"])


def test_special_days_file_lowers_its_day_and_no_other(tmp_path: Path) -> None:
    days = tmp_path / "strikes.csv"
    days.write_text(
        "# a national strike announced after the history ends\n"
        "country,date,kind,name\nIL,1999-04-19,day_off,General strike\n",
        encoding="utf-8",
    )
    plain = _daily(tmp_path, "plain", "--calendar-priors", *TZ)
    option = ("--special-days", str(days), "--calendar-priors", *TZ)
    special = _daily(tmp_path, "special", *option)
    strike = special.xs("1999-04-19", level="date")
    assert set(strike["kind"]) == {"day_off"}
    assert set(plain.xs("1999-04-19", level="date")["kind"]) == {"normal"}
    ratio = strike["volume"] / plain.xs("1999-04-19", level="date")["volume"]
    assert (ratio < 0.8).all()  # no day off in the history: the prior, asked for
    others = special.index.get_level_values("date") != "1999-04-19"
    pd.testing.assert_frame_equal(special[others], plain[others])


def test_a_special_day_without_precedent_is_flagged_with_the_assumption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = tmp_path / "strikes.csv"
    days.write_text("country,date,kind,name\nIL,1999-04-19,day_off,General strike\n")
    plain = _daily(tmp_path, "plain", *TZ)
    capsys.readouterr()
    special = _daily(tmp_path, "special", "--special-days", str(days), *TZ)
    text = capsys.readouterr().err  # on stderr: seen even when the output is redirected
    assert text.startswith("warning: 1 special day(s) without precedent")
    assert "1999-04-19 day_off General strike (NW, PS): no precedent" in text
    # this bank's past special days (Purim, Pesach) followed the calendar: the strike gets
    # the share of a day off's typical x0.50 they showed, and says so
    assert "of the calendar's typical x0.50" in text
    strike = special.xs("1999-04-19", level="date")
    ordinary = plain.xs("1999-04-19", level="date")["volume"]
    share = (strike["volume"] / ordinary).to_numpy()
    assert ((share >= 0.5 - 1e-9) & (share < 0.9)).all(), share
    assert strike["note"].str.startswith("no precedent in the history").all()
    # the holidays of the history (Pesach, 1 and 7 April) are precedents: nothing else flagged
    assert special["note"].fillna("").str.contains("no precedent").sum() == 2


def test_special_days_in_the_scenario_and_on_the_command_line_add_up(tmp_path: Path) -> None:
    (tmp_path / "strike.csv").write_text(
        "country,date,kind,name\nIL,1999-04-19,day_off,Strike\n", encoding="utf-8"
    )
    (tmp_path / "bridge.csv").write_text(
        "country,date,kind,name\nIL,1999-04-23,reduced,Bridge day\n", encoding="utf-8"
    )
    scenario = tmp_path / "bank.yaml"
    scenario.write_text(
        "name: bank\ntimezone: Asia/Jerusalem\nqueues:\n"
        + "".join(
            f"  - {{id: {q}, opening_hours: {{sun: ['07:00-23:00']}}}}\n" for q in ["PS", "NW"]
        )
        + "sites: [{id: s1, seats: 5}]\nteams: [{id: t1, manager: m, site: s1}]\n"
        + "planning: {special_days_files: [strike.csv]}\n",
        encoding="utf-8",
    )
    bridge = str(tmp_path / "bridge.csv")
    days = _daily(tmp_path, "both", "--scenario", str(scenario), "--special-days", bridge)
    kinds = days["kind"].groupby(level="date").first()
    assert kinds["1999-04-19"] == "day_off" and kinds["1999-04-23"] == "reduced"


def test_bad_special_days_line_names_file_and_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = tmp_path / "days.csv"
    days.write_text(
        "country,date,kind,name\nIL,1999-04-19,day_off,Strike\nIL,1999-04-20,closed,Oops\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.csv"
    argv = ["forecast", str(FIXTURE), "-o", str(out), "-w", "1", "--special-days", str(days)]
    assert main([*argv, *TZ]) == 2
    err = capsys.readouterr().err
    assert f"{days}, line 3: kind 'closed'" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["backtest", str(FIXTURE), "--special-days", str(days), *TZ]) == 2
    assert f"{days}, line 3" in capsys.readouterr().err


def test_backtest_tables_are_whole_when_stdout_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # captured stdout is not a terminal: plain columns, no cell cut short ("0.8…")
    argv = ["backtest", str(FIXTURE), "--min-train-weeks", "3", *TZ]
    assert main([*argv, "--methods", "daily_profile,seasonal_mean4,direct"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3 weekly origins scored, 1999-03-28 .. 1999-04-11")
    assert lines[1].split() == [
        "method",
        "WAPE",
        "MASE",
        "bias",
        "<P10",
        "<P50",
        "<P90",
        "in",
        "P10-P90",
        "oracle",
        "daily",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:6]}
    assert set(rows) == {"daily_profile", "seasonal_mean4", "direct", "poisson_floor"}
    assert all(len(cells) == 8 for name, cells in rows.items() if name != "poisson_floor")
    assert all(len(c.split(".")[1]) == 3 for cells in rows.values() for c in cells)
    assert "…" not in "\n".join(lines) and "─" not in "\n".join(lines)
