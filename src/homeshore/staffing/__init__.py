"""Staffing: Erlang B, C and A, and the agents each interval needs to meet its targets.

Other stages call `staff_requirements(forecast, scenario)` (REQUIREMENT_COLUMNS out);
`required_agents` and `queue_metrics` work on numpy arrays of intervals.
"""

from homeshore.staffing.erlang import (
    QueueMetrics,
    erlang_a_metrics,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    queue_metrics,
)
from homeshore.staffing.requirements import QueueStaffing, requirements_table, staff_requirements
from homeshore.staffing.sizing import (
    StaffingTargets,
    UnattainableTargetError,
    meets_targets,
    required_agents,
    scheduled_agents,
)

__all__ = [
    "QueueMetrics",
    "QueueStaffing",
    "StaffingTargets",
    "UnattainableTargetError",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "meets_targets",
    "queue_metrics",
    "required_agents",
    "requirements_table",
    "scheduled_agents",
    "staff_requirements",
]
