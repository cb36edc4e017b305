"""In words: how a variant's requirement, its roster's coverage and its simulated service
relate (the paragraph under each variant's audit line in the report, docs/pooling.md)."""

from __future__ import annotations

from homeshore.analytics.results import VariantAnalysis

__all__ = ["relation_text"]


def _hours(x: float) -> str:
    return f"{x:,.0f} agent-hour{'s' * (round(x) != 1)}"


def relation_text(a: VariantAnalysis) -> str:
    """In words: how the requirement, the roster's coverage and the simulated service relate."""
    s, o = a.summary, a.outcome
    req = o.requirements
    alone = ""
    if "standalone_agents" in req:
        alone_h = float((req["standalone_agents"] * req["interval_min"] / 60.0).sum())
        alone = f" (each queue staffed on its own would ask {_hours(alone_h)})"
    n_short = int((a.pool_coverage["shortfall"] > 1e-9).sum())
    n_below = int((a.pool_coverage["below_required"] > 1e-9).sum())
    below_h = dict(
        zip(
            a.coverage_by_queue["queue"].astype(str),
            a.coverage_by_queue["below_required_agent_h"],
            strict=True,
        )
    )
    worst = sorted(((h, q) for q, h in below_h.items() if h >= 0.5), reverse=True)[:3]
    where = ", mostly on " + ", ".join(f"{q} ({h:,.0f} h)" for h, q in worst) if worst else ""
    parts = [
        "Required: the fewest advisors at contact work meeting every queue's target when the "
        "advisors who share queues share their contacts (each pool's skill groups sized "
        f"together, docs/pooling.md): {_hours(s['required_agent_h'])} in the horizon{alone}.",
        f"Target: the requirement after {o.scenario.planning.shrinkage:.0%} shrinkage, "
        f"{_hours(s['scheduled_agent_h'])}, what the roster aims at.",
        f"Planned: the roster puts {_hours(s['planned_agent_h'])} of contact work on the "
        f"queues; {_hours(s['short_agent_h'])} short of the target ({n_short} pool-interval"
        f"{'s' * (n_short != 1)}) and {_hours(s['below_required_agent_h'])} below the "
        f"requirement itself ({n_below} pool-interval{'s' * (n_below != 1)}){where}.",
        "Simulated: the roster as planned, everyone present (the shrinkage margin is not "
        "played), so where it meets the requirement each pool should reach its service target:",
    ]
    pools = [
        f"{p.pool}: {p.service_level:.1%} of {p.offered:,.0f} contacts answered within "
        f"their queue's threshold (target {p.sl_target:.0%})"
        for p in a.simulation_by_pool.itertuples()
    ]
    parts.append("; ".join(pools) + ".")
    targets = {q.id: q.targets.service_level for q in o.scenario.queues}
    by_queue = a.simulation_by_queue
    under = [
        f"{q} {sl:.1%} (target {targets[q]:.0%}; "
        + (
            f"{below_h[q]:,.0f} agent-hours below its share of the requirement)"
            if below_h.get(q, 0.0) >= 0.5
            else "its share of the requirement met)"
        )
        for q, sl in zip(by_queue["queue"].astype(str), by_queue["service_level"], strict=True)
        if q in targets and float(sl) < targets[q]
    ]
    if under:
        parts.append(
            "Under their own target: " + ", ".join(under) + ". A queue can stay under its "
            "target with its share met when its few advisors also take a bigger queue's "
            "contacts: the requirement holds for the pool's contacts together."
        )
    return " ".join(parts)
