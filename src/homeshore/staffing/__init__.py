"""Staffing: Erlang B, C and A, and the agents each interval needs to meet its targets.

Other stages call `staff_requirements(forecast, scenario)` (REQUIREMENT_COLUMNS out, each
queue staffed alone) or `pooled_requirements(forecast, scenario)` (queues sharing advisors
staffed together, docs/pooling.md);
`required_agents` and `queue_metrics` work on numpy arrays of intervals.
"""

from typing import TYPE_CHECKING, Any

from homeshore.staffing.erlang import (
    QueueMetrics,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
)
from homeshore.staffing.sizing import (
    StaffingTargets,
    UnattainableTargetError,
    meets_targets,
    required_agents,
    scheduled_agents,
)

if TYPE_CHECKING:
    from homeshore.staffing.pooling import pooled_requirements
    from homeshore.staffing.pools import Pool, skill_pools
    from homeshore.staffing.requirements import (
        QueueStaffing,
        requirements_table,
        staff_requirements,
    )

#: the table layer (pandas) loads on first use, so that a one-interval question
#: (`homeshore staff --calls ...`) does not pay for it
_TABLES = ("QueueStaffing", "requirements_table", "staff_requirements")
#: queues sharing advisors staffed together (docs/pooling.md), loaded on first use too
_POOLING = {"pooled_requirements": "pooling", "Pool": "pools", "skill_pools": "pools"}


def __getattr__(name: str) -> Any:
    if name in _TABLES:
        from homeshore.staffing import requirements

        return getattr(requirements, name)
    if name in _POOLING:
        import importlib

        return getattr(importlib.import_module(f"homeshore.staffing.{_POOLING[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Pool",
    "QueueMetrics",
    "QueueStaffing",
    "StaffingTargets",
    "UnattainableTargetError",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "meets_targets",
    "pooled_requirements",
    "queue_metrics",
    "required_agents",
    "requirements_table",
    "scheduled_agents",
    "skill_pools",
    "staff_requirements",
]
