"""Column contracts of the tables that flow between stages (Parquet/CSV and DataFrames).

Each stage reads and writes these names; tests pin them. Times in `start` are
timezone-aware interval starts in the scenario's timezone.
"""

from __future__ import annotations

from typing import Final

#: `homeshore import-calls` output: one row per queue and interval.
INTERVAL_COLUMNS: Final = (
    "queue",  # queue id
    "start",  # interval start (tz-aware)
    "interval_min",  # 15, 30 or 60
    "offered",  # contacts that reached the queue for an agent
    "answered",
    "abandoned",  # hung up while waiting in queue
    "answered_within_t",  # answered with wait <= threshold_s
    "threshold_s",
    "wait_s_mean",  # E[W]: mean wait of all offered contacts (abandons: time to abandon)
    "asa_s",  # mean wait of answered contacts
    "aht_s",  # mean handle time of answered contacts
    "handle_s_total",
    "agents_staffed",  # distinct agents seen serving during the interval
    "busy_s",  # agent-seconds of service overlapping the interval
)

#: Per-contact waits for patience estimation with censoring (Parquet).
WAIT_COLUMNS: Final = ("queue", "start", "wait_s", "abandoned")

#: `homeshore forecast` output.
FORECAST_COLUMNS: Final = (
    "queue",
    "start",
    "interval_min",
    "volume",  # expected contacts (mean)
    "volume_p10",
    "volume_p50",
    "volume_p90",
    "aht_s",
)

#: `homeshore staff` output, the rostering input.
REQUIREMENT_COLUMNS: Final = (
    "queue",
    "start",
    "interval_min",
    "volume",
    "aht_s",
    "required_agents",  # minimum agents on the queue meeting every target
    "scheduled_agents",  # after shrinkage: required / (1 - shrinkage), rounded up
    "service_level",  # achieved at required_agents
    "asa_s",
    "p_abandon",
    "occupancy",
)

#: Schedule as a table (CSV/JSON), one row per ScheduleSegment.
SCHEDULE_COLUMNS: Final = ("agent_id", "start", "end", "activity", "location", "site", "queue")
