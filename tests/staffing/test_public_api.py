from __future__ import annotations

import homeshore.staffing as staffing


def test_public_api_is_pinned() -> None:
    assert sorted(staffing.__all__) == [
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
    for name in staffing.__all__:
        assert getattr(staffing, name) is not None
