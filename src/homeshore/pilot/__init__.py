"""Pilot analytics: does homeshoring work here? Home, telecentre and site advisors compared
on a KPI, treated minus control, with confidence intervals that account for repeated
measures of one advisor. Tables in (`read_table`, `prepare`), estimates out (`compare`);
`synthetic` draws pilots with known effects. docs/pilot.md states formats and methods."""

from homeshore.pilot.compare import Comparison, compare, verdict
from homeshore.pilot.synthetic import Binary, Continuous, panel_pilot, person_pilot
from homeshore.pilot.tables import Question, Sample, Table, prepare, read_table

__all__ = [
    "Binary",
    "Comparison",
    "Continuous",
    "Question",
    "Sample",
    "Table",
    "compare",
    "panel_pilot",
    "person_pilot",
    "prepare",
    "read_table",
    "verdict",
]
