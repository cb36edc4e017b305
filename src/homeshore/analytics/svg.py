"""Small vector charts written as SVG text: a figure of panels, their scales, ticks and marks.

The report's figures are drawn with this module: a figure is a few thousand path commands,
written in milliseconds, sharp at any zoom, and its titles, ticks and legends stay text the
browser sets in the page's font. Every text is escaped; the output holds no script, no
identifier and no external reference, so many figures can sit inline in one HTML page.

Coordinates given to a `Panel` are data units; it maps them into its pixel box (y upward).
Step marks take each interval's start and end, so a gap between intervals (closed hours,
missing rows) or a NaN value breaks the line instead of joining across it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

INK = "#1d2630"
MUTED = "#5b6670"
GRID = "#e4e8ec"
FRAME = "#aab3bc"
TICK_PX = 11.0  # tick labels, legends, notes
TITLE_PX = 13.0
#: mean advance of one character of a sans-serif font, in em: used only to lay legends out
CHAR_EM = 0.56
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def text_width_px(text: str, size_px: float = TICK_PX) -> float:
    """Estimated width of a line of text (legend layout, margins); never measured."""
    return len(text) * CHAR_EM * size_px


def _f(value: float) -> str:
    """A pixel coordinate with one decimal, without a trailing '.0'."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_step(span: float, ticks: int = 5, *, integer: bool = False) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about `ticks` ticks over `span`."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max(1, ticks)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw * (1 - 1e-9))
    return max(1.0, round(step)) if integer else step


def value_axis(
    top: float, *, integer: bool = False, ticks: int = 5
) -> tuple[float, tuple[float, ...]]:
    """An axis from 0 up to the first tick at or above `top`: (axis top, tick values)."""
    top = top if math.isfinite(top) and top > 0 else 1.0
    step = nice_step(top, ticks, integer=integer)
    n = max(1, math.ceil(top / step - 1e-9))
    return n * step, tuple(i * step for i in range(n + 1))


def tick_label(value: float, step: float) -> str:
    """A tick value with as many decimals as its step needs, thousands separated."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return f"{value:,.{decimals}f}"


def finite_max(*series: npt.ArrayLike) -> float:
    """Largest finite value of the series (0 when there is none)."""
    best = 0.0
    for s in series:
        values = np.asarray(s, dtype=float)
        values = values[np.isfinite(values)]
        if values.size:
            best = max(best, float(values.max()))
    return best


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of the figure in pixels: left, top, width, height."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


def grid_boxes(
    width_px: float,
    rows: int,
    row_height_px: float,
    *,
    col_weights: Sequence[float] = (1.0,),
    top_px: float = 28.0,
    bottom_px: float = 22.0,
    left_px: float = 46.0,
    right_px: float = 24.0,
) -> list[list[Box]]:
    """Plot boxes of a grid of panels, each cell with room for its title, ticks and labels."""
    total = sum(col_weights)
    boxes = []
    for r in range(rows):
        row, x = [], 0.0
        for weight in col_weights:
            cell = width_px * weight / total
            row.append(
                Box(
                    x + left_px,
                    r * row_height_px + top_px,
                    cell - left_px - right_px,
                    row_height_px - top_px - bottom_px,
                )
            )
            x += cell
        boxes.append(row)
    return boxes


@dataclass(frozen=True, slots=True)
class Key:
    """One legend entry: a line (solid or dashed), a filled area or a tick mark."""

    label: str
    colour: str
    kind: Literal["line", "area", "mark"] = "line"
    dash: str | None = None
    opacity: float = 1.0


class Figure:
    """An SVG figure of `width_px` x `height_px`; `svg()` returns its markup."""

    def __init__(self, width_px: float, height_px: float, label: str) -> None:
        self.width_px = width_px
        self.height_px = height_px
        self.label = label
        self._parts: list[str] = []

    def add(self, element: str) -> None:
        self._parts.append(element)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size_px: float = TICK_PX,
        anchor: Literal["start", "middle", "end"] = "start",
        colour: str = INK,
        rotate_deg: float = 0.0,
        middle: bool = False,
    ) -> None:
        """Text with its baseline at y (`middle`: centred on y)."""
        attrs = f'x="{_f(x)}" y="{_f(y)}" font-size="{_f(size_px)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if colour != INK:
            attrs += f' fill="{colour}"'
        if middle:
            attrs += ' dy="0.35em"'
        if rotate_deg:
            attrs += f' transform="rotate({_f(rotate_deg)} {_f(x)} {_f(y)})"'
        self.add(f"<text {attrs}>{escape(text, quote=False)}</text>")

    def panel(self, box: Box, x_range: tuple[float, float], y_range: tuple[float, float]) -> Panel:
        return Panel(self, box, x_range, y_range)

    def svg(self) -> str:
        w, h = _f(self.width_px), _f(self.height_px)
        head = (
            f'<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            f'aria-label="{escape(self.label)}" font-family="{escape(FONT)}" fill="{INK}">'
        )
        return "\n".join([head, *self._parts, "</svg>"])


def _segments(valid: npt.NDArray[np.bool_], joined: npt.NDArray[np.bool_]) -> list[range]:
    """Index ranges of consecutive valid points; joined[i]: point i continues point i - 1."""
    keep = np.asarray(valid, dtype=bool)
    goes_on = keep & np.asarray(joined, dtype=bool) & np.concatenate(([False], keep[:-1]))
    starts = np.flatnonzero(keep & ~goes_on)
    stops = np.flatnonzero(keep & ~np.concatenate((goes_on[1:], [False]))) + 1
    return [range(a, b) for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]


def _steps(x_from: Floats, x_to: Floats, y: Floats, first: str) -> str:
    """Path commands of a step line over intervals [x_from[i], x_to[i]] at height y[i]
    (pixels), starting with `first` ('M' or 'L'); a level held over intervals is one move."""
    change = np.flatnonzero(np.diff(y) != 0) + 1
    cmds = [f"{first}{_f(x_from[0])} {_f(y[0])}"]
    ends = [*(change - 1).tolist(), y.size - 1]
    for i, end in zip([0, *change.tolist()], ends, strict=True):
        if i:
            cmds.append(f"V{_f(y[i])}")
        cmds.append(f"H{_f(x_to[end])}")
    return "".join(cmds)


class Panel:
    """One plotting area of a figure: data coordinates mapped into `box`."""

    def __init__(
        self,
        figure: Figure,
        box: Box,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
    ) -> None:
        self.figure = figure
        self.box = box
        x0, x1 = x_range
        y0, y1 = y_range
        self._x0, self._y0 = x0, y0
        self._sx = box.width / (x1 - x0) if x1 != x0 else 0.0
        self._sy = box.height / (y1 - y0) if y1 != y0 else 0.0

    def px(self, x: npt.ArrayLike) -> Floats:
        return self.box.left + (np.asarray(x, dtype=float) - self._x0) * self._sx

    def py(self, y: npt.ArrayLike) -> Floats:
        return self.box.bottom - (np.asarray(y, dtype=float) - self._y0) * self._sy

    def _path(
        self,
        d: str,
        *,
        stroke: str | None = None,
        width_px: float = 1.0,
        dash: str | None = None,
        fill: str | None = None,
        opacity: float = 1.0,
    ) -> None:
        """One path element: stroked (a line) or filled (an area), never both."""
        if not d:
            return
        if fill is not None:
            attrs = f'fill="{fill}"' + (f' fill-opacity="{opacity:g}"' if opacity != 1 else "")
        else:
            attrs = f'fill="none" stroke="{stroke}" stroke-width="{_f(width_px)}"'
            attrs += f' stroke-dasharray="{dash}"' if dash else ""
        self.figure.add(f'<path d="{d}" {attrs}/>')

    def axes(
        self,
        x_ticks: Sequence[tuple[float, str]],
        y_ticks: Sequence[float],
        *,
        x_grid: bool = True,
        x_label_rotate_deg: float = 0.0,
    ) -> None:
        """Background, grid lines at the ticks, tick labels and the frame."""
        b = self.box
        self.figure.add(
            f'<rect x="{_f(b.left)}" y="{_f(b.top)}" width="{_f(b.width)}" '
            f'height="{_f(b.height)}" fill="#fff"/>'
        )
        lines = []
        for y in self.py(y_ticks).tolist():
            lines.append(f"M{_f(b.left)} {_f(y)}H{_f(b.right)}")
        if x_grid:
            for x in self.px([t for t, _ in x_ticks]).tolist():
                lines.append(f"M{_f(x)} {_f(b.top)}V{_f(b.bottom)}")
        self._path("".join(lines), stroke=GRID)
        step = y_ticks[1] - y_ticks[0] if len(y_ticks) > 1 else 1.0
        y_labels = [tick_label(v, step) for v in y_ticks]
        for y, label in zip(self.py(y_ticks).tolist(), y_labels, strict=True):
            self.figure.text(b.left - 5, y, label, anchor="end", colour=MUTED, middle=True)
        for x, (_, label) in zip(self.px([t for t, _ in x_ticks]).tolist(), x_ticks, strict=True):
            anchor: Literal["start", "middle", "end"] = "middle"
            if x_label_rotate_deg:
                anchor = "end"
            elif x + text_width_px(label) / 2 > self.figure.width_px - 2:
                anchor, x = "end", self.figure.width_px - 2  # kept inside the figure
            self.figure.text(
                x,
                b.bottom + TICK_PX + 3,
                label,
                anchor=anchor,
                colour=MUTED,
                rotate_deg=x_label_rotate_deg,
            )
        self.figure.add(
            f'<rect x="{_f(b.left)}" y="{_f(b.top)}" width="{_f(b.width)}" '
            f'height="{_f(b.height)}" fill="none" stroke="{FRAME}" stroke-width="1"/>'
        )

    def title(self, text: str, *, over_legend: bool = False) -> None:
        """Left-aligned above the panel; `over_legend`: one line higher, for a narrow panel
        whose legend would run into it (the panel needs a top margin of about 46 px)."""
        y = self.box.top - 8 - (TICK_PX + 8 if over_legend else 0)
        self.figure.text(self.box.left, y, text, size_px=TITLE_PX)

    def legend(self, keys: Sequence[Key]) -> None:
        """Right-aligned just above the panel (level with its title unless raised)."""
        y = self.box.top - 10
        x = self.box.right
        swatch, gap = 16.0, 14.0
        for key in reversed(keys):
            x -= text_width_px(key.label)
            self.figure.text(x, y + TICK_PX * 0.35, key.label, colour=INK)
            x -= swatch + 4
            if key.kind == "area":
                self.figure.add(
                    f'<rect x="{_f(x)}" y="{_f(y - 5)}" width="{_f(swatch)}" height="10" '
                    f'fill="{key.colour}" fill-opacity="{key.opacity:g}"/>'
                )
            elif key.kind == "mark":
                d = f"M{_f(x + swatch / 2)} {_f(y - 6)}V{_f(y + 6)}"
                self._path(d, stroke=key.colour, width_px=1.5)
            else:
                d = f"M{_f(x)} {_f(y)}H{_f(x + swatch)}"
                self._path(d, stroke=key.colour, width_px=1.5, dash=key.dash)
            x -= gap

    def step(
        self,
        x0: npt.ArrayLike,
        x1: npt.ArrayLike,
        y: npt.ArrayLike,
        colour: str,
        *,
        width_px: float = 1.2,
        dash: str | None = None,
    ) -> None:
        """A level y[i] over each interval [x0[i], x1[i]]; NaN and gaps break the line."""
        start, end, level = _arrays(x0, x1, y)
        joined = np.concatenate(([False], np.isclose(start[1:], end[:-1])))
        px0, px1, py = self.px(start), self.px(end), self.py(level)
        d = "".join(
            _steps(px0[s.start : s.stop], px1[s.start : s.stop], py[s.start : s.stop], "M")
            for s in _segments(np.isfinite(level), joined)
        )
        self._path(d, stroke=colour, width_px=width_px, dash=dash)

    def step_band(
        self,
        x0: npt.ArrayLike,
        x1: npt.ArrayLike,
        low: npt.ArrayLike,
        high: npt.ArrayLike,
        colour: str,
        *,
        opacity: float = 0.25,
    ) -> None:
        """The area between two step lines (a confidence band, or a level down to 0)."""
        start, end, lo = _arrays(x0, x1, low)
        hi = np.asarray(high, dtype=float)
        joined = np.concatenate(([False], np.isclose(start[1:], end[:-1])))
        px0, px1, plo, phi = self.px(start), self.px(end), self.py(lo), self.py(hi)
        parts = []
        for s in _segments(np.isfinite(lo) & np.isfinite(hi), joined):
            a, b = s.start, s.stop
            upper = _steps(px0[a:b], px1[a:b], phi[a:b], "M")
            lower = _steps(px1[a:b][::-1], px0[a:b][::-1], plo[a:b][::-1], "L")
            parts.append(upper + lower + "Z")
        self._path("".join(parts), fill=colour, opacity=opacity)

    def line(
        self,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        colour: str,
        *,
        max_gap: float,
        width_px: float = 1.2,
    ) -> None:
        """Points joined by straight lines; NaN, or a step in x above `max_gap`, breaks it."""
        xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        joined = np.concatenate(([False], np.diff(xs) <= max_gap * (1 + 1e-9)))
        px, py = self.px(xs), self.py(ys)
        d = "".join(
            "M" + "L".join(f"{_f(px[i])} {_f(py[i])}" for i in s)
            for s in _segments(np.isfinite(ys), joined)
        )
        self._path(d, stroke=colour, width_px=width_px)

    def band(
        self,
        x: npt.ArrayLike,
        low: npt.ArrayLike,
        high: npt.ArrayLike,
        colour: str,
        *,
        max_gap: float,
        opacity: float = 0.25,
    ) -> None:
        """The area between two lines through the same x (a forecast's P10-P90)."""
        xs = np.asarray(x, dtype=float)
        lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        joined = np.concatenate(([False], np.diff(xs) <= max_gap * (1 + 1e-9)))
        px, plo, phi = self.px(xs), self.py(lo), self.py(hi)
        parts = []
        for s in _segments(np.isfinite(lo) & np.isfinite(hi), joined):
            upper = "L".join(f"{_f(px[i])} {_f(phi[i])}" for i in s)
            lower = "L".join(f"{_f(px[i])} {_f(plo[i])}" for i in reversed(s))
            parts.append(f"M{upper}L{lower}Z")
        self._path("".join(parts), fill=colour, opacity=opacity)

    def hline(
        self, y: float, colour: str, *, dash: str | None = None, width_px: float = 1.0
    ) -> None:
        at = _f(self.py(y).item())
        d = f"M{_f(self.box.left)} {at}H{_f(self.box.right)}"
        self._path(d, stroke=colour, width_px=width_px, dash=dash)

    def vline(
        self, x: float, colour: str, *, dash: str | None = None, width_px: float = 1.0
    ) -> None:
        at = _f(self.px(x).item())
        d = f"M{at} {_f(self.box.top)}V{_f(self.box.bottom)}"
        self._path(d, stroke=colour, width_px=width_px, dash=dash)

    def marks(self, x: npt.ArrayLike, colour: str, *, height_px: float = 7.0) -> None:
        """Short upright marks on the bottom edge at each x (intervals flagged)."""
        d = "".join(f"M{_f(p)} {_f(self.box.bottom)}v-{_f(height_px)}" for p in self.px(x).tolist())
        self._path(d, stroke=colour, width_px=1.5)

    def bars(
        self,
        centres: npt.ArrayLike,
        heights: npt.ArrayLike,
        colour: str,
        *,
        bottoms: npt.ArrayLike | None = None,
        width: float = 0.8,
    ) -> None:
        """Bars of `width` data units centred on each x, stacked on `bottoms`."""
        xs, hs = np.asarray(centres, dtype=float), np.nan_to_num(np.asarray(heights, float))
        base = np.zeros_like(hs) if bottoms is None else np.asarray(bottoms, dtype=float)
        left, right = self.px(xs - width / 2), self.px(xs + width / 2)
        top, bottom = self.py(base + hs), self.py(base)
        boxes = zip(left.tolist(), right.tolist(), top.tolist(), bottom.tolist(), strict=True)
        for x_left, x_right, y_top, y_bottom in boxes:
            if y_bottom - y_top > 0:
                self.figure.add(
                    f'<rect x="{_f(x_left)}" y="{_f(y_top)}" width="{_f(x_right - x_left)}" '
                    f'height="{_f(y_bottom - y_top)}" fill="{colour}"/>'
                )


def _arrays(
    x0: npt.ArrayLike, x1: npt.ArrayLike, y: npt.ArrayLike
) -> tuple[Floats, Floats, Floats]:
    start, end, level = (np.asarray(v, dtype=float) for v in (x0, x1, y))
    if not start.shape == end.shape == level.shape:
        raise ValueError(
            f"step marks need as many starts, ends and values ({start.size}, {end.size}, "
            f"{level.size})"
        )
    return start, end, level
