"""Contact-centre simulation: seeded replications of a multi-queue, multi-skill centre whose
routing goes through homeshore.routing, the same policies as the live router."""

from homeshore.simulation.arrivals import Arrivals, poisson_arrivals
from homeshore.simulation.contacts import Contacts, Outcome, RunResult, draw_contacts, finish
from homeshore.simulation.distributions import (
    Distribution,
    Empirical,
    Exponential,
    LogNormal,
    sample_with_means,
)
from homeshore.simulation.engine import run_events
from homeshore.simulation.fifo import run_fifo
from homeshore.simulation.inputs import (
    agents_from_schedule,
    agents_from_staffing,
    demand_from_forecast,
)
from homeshore.simulation.kpis import (
    KPI_COLUMNS,
    horizon_kpis,
    interval_kpis,
    summarize,
    time_in_intervals,
)
from homeshore.simulation.model import QueueDemand, SimAgent, SimModel, WorkWindow
from homeshore.simulation.patience import (
    KaplanMeier,
    estimate_patience,
    exponential_mle,
    kaplan_meier,
)
from homeshore.simulation.records import (
    RECORD_COLUMNS,
    ContactRecord,
    iter_records,
    records_frame,
)
from homeshore.simulation.run import EngineChoice, Simulation, fifo_applies, run_once, simulate

__all__ = [
    "KPI_COLUMNS",
    "RECORD_COLUMNS",
    "Arrivals",
    "ContactRecord",
    "Contacts",
    "Distribution",
    "Empirical",
    "EngineChoice",
    "Exponential",
    "KaplanMeier",
    "LogNormal",
    "Outcome",
    "QueueDemand",
    "RunResult",
    "SimAgent",
    "SimModel",
    "Simulation",
    "WorkWindow",
    "agents_from_schedule",
    "agents_from_staffing",
    "demand_from_forecast",
    "draw_contacts",
    "estimate_patience",
    "exponential_mle",
    "fifo_applies",
    "finish",
    "horizon_kpis",
    "interval_kpis",
    "iter_records",
    "kaplan_meier",
    "poisson_arrivals",
    "records_frame",
    "run_events",
    "run_fifo",
    "run_once",
    "sample_with_means",
    "simulate",
    "summarize",
    "time_in_intervals",
]
