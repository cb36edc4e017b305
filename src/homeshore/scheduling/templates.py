"""Shift templates: what an agent does on one day, laid out on the planning grid.

A template is one block (or two for a split shift) at one location, with its activities
fixed inside: lunch in the lunch window near the middle of a long shift, a paid break after
each run of calls of at most `paid_break_every_min`, and a break of at least `break_min`
before `break_after_work_h` of work when there is no lunch. Times are minutes from the local
midnight of the template's day (a shift may run past midnight: end_min > 1440).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from homeshore.domain import Activity, Agent, LabourRules, TeleworkAgreement, WorkMode
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.domain.time import MINUTES_PER_DAY
from homeshore.scheduling.settings import SchedulingSettings


@dataclass(frozen=True, slots=True)
class Piece:
    start_min: int
    end_min: int
    activity: Activity

    @property
    def length_min(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True, slots=True)
class ShiftTemplate:
    pieces: tuple[Piece, ...]  # in time order; a gap between two pieces splits the shift
    location: WorkMode
    site: str | None  # None at home

    @property
    def start_min(self) -> int:
        return self.pieces[0].start_min

    @property
    def end_min(self) -> int:
        return self.pieces[-1].end_min

    @property
    def paid_min(self) -> int:
        return sum(p.length_min for p in self.pieces if p.activity in PAID_ACTIVITIES)

    @property
    def work_min(self) -> int:
        return sum(p.length_min for p in self.pieces if p.activity is Activity.WORK)

    @property
    def training_min(self) -> int:
        return sum(p.length_min for p in self.pieces if p.activity is Activity.TRAINING)

    @property
    def gaps(self) -> tuple[tuple[int, int], ...]:
        return tuple(
            (a.end_min, b.start_min)
            for a, b in zip(self.pieces, self.pieces[1:], strict=False)
            if b.start_min > a.end_min
        )

    @property
    def is_split(self) -> bool:
        return bool(self.gaps)

    def night_min(self, rules: LabourRules) -> int:
        """Paid minutes inside the night window (e.g. 21:00-06:00)."""
        ns, ne = rules.night_window_start_min, rules.night_window_end_min
        windows = []
        for k in range(-1, 3):
            base = k * MINUTES_PER_DAY
            if ns > ne:
                windows.append((base + ns, base + MINUTES_PER_DAY + ne))
            else:
                windows.append((base + ns, base + ne))
        total = 0
        for p in self.pieces:
            if p.activity in PAID_ACTIVITIES:
                for ws, we in windows:
                    total += max(0, min(p.end_min, we) - max(p.start_min, ws))
        return total

    def slots(self, slot_min: int, activity: Activity) -> Iterator[int]:
        """Slot offsets (from the day's midnight) spent in `activity`."""
        for p in self.pieces:
            if p.activity is activity:
                yield from range(p.start_min // slot_min, p.end_min // slot_min)

    def label(self) -> str:
        def hhmm(m: int) -> str:
            return f"{m // 60 % 24:02d}:{m % 60:02d}"

        blocks = []
        first = self.pieces[0].start_min
        last = first
        for a, b in zip(self.pieces, (*self.pieces[1:], None), strict=False):
            last = a.end_min
            if b is None or b.start_min > a.end_min:
                blocks.append(f"{hhmm(first)}-{hhmm(last)}")
                if b is not None:
                    first = b.start_min
        where = self.location.value + (f"@{self.site}" if self.site else "")
        return " + ".join(blocks) + f" {where}"


def _round_up(minutes: float, slot_min: int) -> int:
    return math.ceil(minutes / slot_min) * slot_min


def _work_run(
    start: int, end: int, rules: LabourRules, settings: SchedulingSettings, long_break_at: int
) -> list[Piece]:
    """Calls from start to end, cut by paid breaks so that no run exceeds the limit.

    `long_break_at`: before this minute one break must last break_min (no lunch that day)."""
    slot = settings.slot_min
    max_run = max(slot, rules.paid_break_every_min // slot * slot)
    paid_break = _round_up(rules.paid_break_min, slot) if rules.paid_break_min else 0
    long_break = max(paid_break, _round_up(rules.break_min, slot))
    length = end - start
    n_breaks = 0
    if length > max_run and paid_break:
        n_breaks = math.ceil((length - max_run) / (max_run + paid_break))
    need_long = start < long_break_at < end
    if need_long and n_breaks == 0:
        n_breaks = 1
    breaks = [paid_break or long_break] * n_breaks
    if need_long:
        # the latest break that still starts before the threshold becomes the long one
        work_total = length - sum(breaks) - (long_break - breaks[0])
        chunks = _even_chunks(work_total, n_breaks + 1, slot)
        pos, idx = start, 0
        for i in range(n_breaks):
            pos += chunks[i]
            if pos < long_break_at:
                idx = i
            pos += breaks[i]
        breaks[idx] = long_break
    work_total = length - sum(breaks)
    if work_total <= 0:
        return [Piece(start, end, Activity.WORK)]
    chunks = _even_chunks(work_total, n_breaks + 1, slot)
    pieces, pos = [], start
    for i, chunk in enumerate(chunks):
        if chunk:
            pieces.append(Piece(pos, pos + chunk, Activity.WORK))
        pos += chunk
        if i < n_breaks:
            pieces.append(Piece(pos, pos + breaks[i], Activity.BREAK))
            pos += breaks[i]
    return pieces


def _even_chunks(total: int, n: int, slot: int) -> list[int]:
    slots = total // slot
    base, extra = divmod(slots, n)
    return [(base + (1 if i < extra else 0)) * slot for i in range(n)]


def lay_out(
    start_min: int,
    paid_min: int,
    rules: LabourRules,
    settings: SchedulingSettings,
    *,
    activity: Activity = Activity.WORK,
    lunch_variant: int = 0,
    allow_lunch: bool = True,
) -> tuple[Piece, ...] | None:
    """One block of `paid_min` paid minutes starting at `start_min`; None when that lunch
    variant does not exist."""
    slot = settings.slot_min
    lunch = _round_up(rules.lunch_min, slot) if rules.lunch_min else 0
    lunch_starts = []
    if allow_lunch and lunch and paid_min > rules.lunch_if_shift_over_h * 60:
        window = rules.lunch_window
        end = start_min + paid_min + lunch
        mid = (start_min + end) / 2
        lunch_starts = sorted(
            (
                s
                for s in range(
                    start_min + settings.lunch_margin_min,
                    end - lunch - settings.lunch_margin_min + 1,
                    slot,
                )
                if window.start_min <= s % MINUTES_PER_DAY
                and s % MINUTES_PER_DAY + lunch <= window.end_min
            ),
            key=lambda s: (abs(s + lunch / 2 - mid), s),
        )
    if lunch_variant >= max(1, len(lunch_starts)):
        return None
    threshold = int(rules.break_after_work_h * 60)
    if lunch_starts:
        ls = lunch_starts[lunch_variant]
        end = start_min + paid_min + lunch
        if activity is Activity.WORK:
            before = _work_run(start_min, ls, rules, settings, -1)
            after = _work_run(ls + lunch, end, rules, settings, -1)
        else:
            before = [Piece(start_min, ls, activity)]
            after = [Piece(ls + lunch, end, activity)]
        return (*before, Piece(ls, ls + lunch, Activity.LUNCH), *after)
    end = start_min + paid_min
    long_at = start_min + threshold if paid_min >= threshold else -1
    if activity is Activity.WORK:
        return tuple(_work_run(start_min, end, rules, settings, long_at))
    if long_at < 0:
        return (Piece(start_min, end, activity),)
    long_break = _round_up(rules.break_min, slot)
    half = (paid_min - long_break) // 2 // slot * slot
    return (
        Piece(start_min, start_min + half, activity),
        Piece(start_min + half, start_min + half + long_break, Activity.BREAK),
        Piece(start_min + half + long_break, end, activity),
    )


def locations(agent: Agent, agent_site: str) -> list[tuple[WorkMode, str | None]]:
    """Where an agent's mode list lets it work (rules may forbid some later)."""
    out: list[tuple[WorkMode, str | None]] = []
    for mode in (WorkMode.SITE, WorkMode.TELECENTRE, WorkMode.HOME):
        if mode in agent.work_modes:
            out.append((mode, None if mode is WorkMode.HOME else agent_site))
    return out


def candidate_templates(
    agent: Agent,
    agent_site: str,
    rules: LabourRules,
    agreement: TeleworkAgreement,
    settings: SchedulingSettings,
) -> list[ShiftTemplate]:
    """Every template the grid offers this agent on any day, before rules filter them.

    Splits are offered to agents with the home mode and training days to agents who may be
    teleworkers and work on site; the rule filters decide which remain."""
    out: list[ShiftTemplate] = []
    step = settings.start_step_min
    for mode, site in locations(agent, agent_site):
        for hours in settings.shift_lengths_h:
            paid = round(hours * 60)
            for start in range(0, MINUTES_PER_DAY, step):
                for variant in range(settings.lunch_variants):
                    pieces = lay_out(start, paid, rules, settings, lunch_variant=variant)
                    if pieces is None:
                        break
                    out.append(ShiftTemplate(pieces, mode, site))
    if WorkMode.HOME in agent.work_modes:
        gap_step = max(settings.slot_min, step)
        gaps = range(
            _round_up(max(agreement.split_gap_min_min, settings.slot_min), settings.slot_min),
            agreement.split_gap_max_min + 1,
            gap_step,
        )
        for h1 in settings.split_block_h:
            for h2 in settings.split_block_h:
                p1, p2 = round(h1 * 60), round(h2 * 60)
                for gap in gaps:
                    for start in range(0, MINUTES_PER_DAY, step):
                        first = lay_out(start, p1, rules, settings, allow_lunch=False)
                        second_start = start + p1 + gap
                        second = lay_out(second_start, p2, rules, settings, allow_lunch=False)
                        if first is None or second is None:
                            continue
                        out.append(ShiftTemplate((*first, *second), WorkMode.HOME, None))
        paid = round(settings.training_day_h * 60)
        pieces = lay_out(
            settings.training_start_min, paid, rules, settings, activity=Activity.TRAINING
        )
        # training is on site: not for an agent whose modes exclude the site
        if pieces is not None and WorkMode.SITE in agent.work_modes:
            out.append(ShiftTemplate(pieces, WorkMode.SITE, agent_site))
    return out
