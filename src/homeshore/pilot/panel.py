"""A person-period panel from the live platform's contact records, in the shape
`pilot compare` reads (docs/pilot.md, "From the live platform").

Pure: the frames come from the live database (`services/pilot_export.py`). One row per
advisor and period (a local day, or an ISO week named by its Monday) in which the advisor
handled at least one contact; a contact belongs to the period of its answer and to the advisor who
held it last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

Period = Literal["day", "week"]
UNKNOWN_PLACE = "unknown"

#: the columns written, in order
COLUMNS: tuple[str, ...] = (
    "person",
    "period",
    "group",
    "group_share",
    "person_group",
    "setup",
    "job",
    "contacts",
    "aht_s",
    "talk_s",
    "wrap_s",
    "transfers_rate",
    "help_rate",
    "repeat_rate",
    "evaluations",
    "evaluation_score",
    "csat_answers",
    "csat",
    "mos_samples",
    "mos",
)


@dataclass(frozen=True, slots=True)
class Records:
    """What the live database holds about the handled contacts of a range.

    - `handled`: one row per contact answered by an advisor, ended and closed: `id`,
      `agent_id`, `queue_id`, `location`, `setup`, `customer_ref`, `created_at`,
      `answered_at`, `ended_at`, `closed_at` (aware datetimes), `transfers`, `escalated`;
    - `later`: contacts the customers made (not callbacks placed by an advisor) from the
      first handled contact's creation to the range's end plus the repeat window:
      `id`, `customer_ref`, `created_at`;
    - `helped`: ids of handled contacts with a help conversation;
    - `evaluations`: `contact_id`, `score_pct` of the handled contacts' evaluations;
    - `csat` is a column of `handled` (`None` when the customer gave none);
    - `mos`: `contact_id`, `mos`, one row per call-quality sample sent by the contact's
      own advisor.
    """

    handled: pd.DataFrame
    later: pd.DataFrame
    helped: frozenset[int]
    evaluations: pd.DataFrame
    mos: pd.DataFrame


def bounds(
    since: dt.date | None, until: dt.date | None, zone: ZoneInfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start, end) in UTC of the local days `since` to `until`, both included."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=zone) if since else None
    end = (
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=zone) if until else None
    )
    return (
        start.astimezone(dt.UTC) if start else None,
        end.astimezone(dt.UTC) if end else None,
    )


def _local_day(at: pd.Series, zone: ZoneInfo) -> pd.Series:
    stamps = pd.to_datetime(at, utc=True).dt.tz_convert(zone)
    return stamps.dt.tz_localize(None).dt.normalize()


def _seconds(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    delta = pd.to_datetime(later, utc=True) - pd.to_datetime(earlier, utc=True)
    return delta.dt.total_seconds().to_numpy(dtype=float)


def repeated(records: Records, repeat_days: float) -> np.ndarray:
    """Per handled contact: 1.0 when the same customer made another contact within
    `repeat_days` after it was created, 0.0 when not, NaN when its customer is unknown
    (the reference erased by the retention purge)."""
    handled = records.handled
    out = np.full(len(handled), np.nan)
    refs = handled["customer_ref"].fillna("").astype(str).to_numpy(dtype=object)
    later = records.later
    times: dict[str, np.ndarray] = {}
    ids: dict[str, np.ndarray] = {}
    if len(later):
        ordered = later.assign(_t=pd.to_datetime(later["created_at"], utc=True)).sort_values("_t")
        for ref, rows in ordered.groupby("customer_ref", sort=False):
            times[str(ref)] = rows["_t"].to_numpy(dtype="datetime64[ns]")
            ids[str(ref)] = rows["id"].to_numpy(dtype=np.int64)
    created = pd.to_datetime(handled["created_at"], utc=True).to_numpy(dtype="datetime64[ns]")
    window = np.timedelta64(int(repeat_days * 86_400 * 1e9), "ns")
    own = handled["id"].to_numpy(dtype=np.int64)
    for i, ref in enumerate(refs):
        if not ref:
            continue
        at = created[i]
        theirs = times.get(ref)
        if theirs is None:
            out[i] = 0.0
            continue
        after = (theirs > at) & (theirs <= at + window) & (ids[ref] != own[i])
        out[i] = 1.0 if after.any() else 0.0
    return out


def _mode(values: pd.Series) -> tuple[str, float]:
    """The most frequent value (ties: the first in alphabetical order) and its share."""
    counts = values.value_counts()
    top = int(counts.max())
    best = sorted(str(v) for v in counts.index[counts == top])[0]
    return best, top / len(values)


def build_panel(
    records: Records, *, period: Period, zone: ZoneInfo, repeat_days: float
) -> pd.DataFrame:
    """The person-period panel (COLUMNS) of `records`; empty when nothing was handled."""
    handled = records.handled
    if handled.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    day = _local_day(handled["answered_at"], zone)
    start = day - pd.to_timedelta(day.dt.weekday, unit="D") if period == "week" else day
    talk_s = _seconds(handled["ended_at"], handled["answered_at"])
    wrap_s = _seconds(handled["closed_at"], handled["ended_at"])
    helped = handled["id"].isin(records.helped).to_numpy()
    escalated = handled["escalated"].fillna(False).astype(bool).to_numpy()
    contacts = pd.DataFrame(
        {
            "id": handled["id"].to_numpy(dtype=np.int64),
            "person": handled["agent_id"].astype(str).to_numpy(),
            "period": start.dt.strftime("%Y-%m-%d").to_numpy(),
            "place": handled["location"].fillna(UNKNOWN_PLACE).astype(str).to_numpy(),
            "setup": handled["setup"].fillna("").astype(str).to_numpy(),
            "job": handled["queue_id"].astype(str).to_numpy(),
            "talk_s": talk_s,
            "wrap_s": wrap_s,
            "handle_s": talk_s + wrap_s,
            "transferred": (handled["transfers"].fillna(0).to_numpy(dtype=float) > 0) * 1.0,
            "helped": (helped | escalated) * 1.0,
            "repeat": repeated(records, repeat_days),
            "csat": pd.to_numeric(handled["csat"], errors="coerce").to_numpy(dtype=float),
        }
    )
    contacts = contacts.sort_values(["person", "period", "id"], kind="stable")
    keyed = contacts[["id", "person", "period"]]
    scores = records.evaluations.merge(keyed, left_on="contact_id", right_on="id")
    samples = records.mos.merge(keyed, left_on="contact_id", right_on="id")
    person_group = {
        str(person): _mode(rows["place"])[0] for person, rows in contacts.groupby("person")
    }
    rows: list[dict[str, object]] = []
    for (person, when), part in contacts.groupby(["person", "period"], sort=True):
        place, share = _mode(part["place"])
        setups = part.loc[(part["place"] == place) & (part["setup"] != ""), "setup"]
        score = pd.to_numeric(
            scores.loc[(scores["person"] == person) & (scores["period"] == when), "score_pct"],
            errors="coerce",
        ).dropna()
        mos = pd.to_numeric(
            samples.loc[(samples["person"] == person) & (samples["period"] == when), "mos"],
            errors="coerce",
        ).dropna()
        csat = part["csat"].dropna()
        rows.append(
            {
                "person": person,
                "period": when,
                "group": place,
                "group_share": share,
                "person_group": person_group[str(person)],
                "setup": _mode(setups)[0] if len(setups) else "",
                "job": _mode(part["job"])[0],
                "contacts": len(part),
                "aht_s": float(part["handle_s"].mean()),
                "talk_s": float(part["talk_s"].mean()),
                "wrap_s": float(part["wrap_s"].mean()),
                "transfers_rate": float(part["transferred"].mean()),
                "help_rate": float(part["helped"].mean()),
                "repeat_rate": float(part["repeat"].mean()),  # NaN when no customer known
                "evaluations": len(score),
                "evaluation_score": float(score.mean()) if len(score) else float("nan"),
                "csat_answers": len(csat),
                "csat": float(csat.mean()) if len(csat) else float("nan"),
                "mos_samples": len(mos),
                "mos": float(mos.mean()) if len(mos) else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
