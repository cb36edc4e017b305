"""Requirements against the coverage a schedule plans: the report's tables.

The coverage itself (per queue and interval, and per pool) is scheduling/coverage.py, the
one definition the roster and `homeshore schedule` use too; here it is summed up in
agent-hours per queue and per pool.
"""

from __future__ import annotations

import pandas as pd

from homeshore.scheduling.coverage import (
    COVERAGE_COLUMNS,
    POOL_COVERAGE_COLUMNS,
    coverage_table,
    pool_coverage,
)

__all__ = [
    "COVERAGE_COLUMNS",
    "POOL_COVERAGE_COLUMNS",
    "coverage_summary",
    "coverage_table",
    "pool_coverage",
]


def coverage_summary(coverage: pd.DataFrame, by: str = "queue") -> pd.DataFrame:
    """Per queue (or per pool, `by="pool"`, on a pool coverage table): agent-hours required,
    targeted, planned, short of the target, over it and below the requirement."""
    hours = coverage.assign(h=coverage["interval_min"] / 60.0)
    rows = []
    for key, g in hours.groupby(by, sort=False):
        h = g["h"]
        rows.append(
            {
                by: key,
                "required_agent_h": float((g["required_agents"].fillna(0) * h).sum()),
                "scheduled_agent_h": float((g["scheduled_agents"] * h).sum()),
                "planned_agent_h": float((g["planned_agents"] * h).sum()),
                "short_agent_h": float((g["shortfall"] * h).sum()),
                "over_agent_h": float((g["surplus"] * h).sum()),
                "below_required_agent_h": float((g["below_required"].fillna(0) * h).sum()),
                "intervals_short": int((g["shortfall"] > 1e-9).sum()),
                "intervals": len(g),
            }
        )
    return pd.DataFrame(rows)
