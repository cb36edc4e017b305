"""Checks shared by the intraday steps: columns, timezone-aware instants, numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from homeshore.errors import InputError


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", where=what)


def aware(when: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(when, dt.datetime) or when.tzinfo is None or when.utcoffset() is None:
        raise InputError(f"{name} must be a timezone-aware date-time (got {when!r})", where=name)
    return when


def utc_times(values: pd.Series, where: str) -> pd.Series:
    """Timezone-aware instants as a UTC series; naive or unreadable values are errors."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return pd.Series(values.dt.tz_convert("UTC"))
    if pd.api.types.is_datetime64_dtype(values.dtype):
        raise InputError("times must be timezone-aware (got naive date-times)", where=where)
    for i, value in enumerate(values):
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise InputError(
                f"row {i + 1}: {value!r} is not a timezone-aware date-time", where=where
            )
    return pd.Series(
        pd.to_datetime(list(values), utc=True), index=values.index, dtype="datetime64[ns, UTC]"
    )


def epoch_s(utc: pd.Series) -> npt.NDArray[np.float64]:
    """Seconds since 1970 of a UTC series."""
    return np.asarray((utc - pd.Timestamp(0, tz="UTC")).dt.total_seconds(), dtype=float)


def numbers(
    frame: pd.DataFrame, column: str, what: str, *, minimum: float = 0.0, strict: bool = False
) -> npt.NDArray[np.float64]:
    """A numeric column, finite and >= minimum (> minimum when strict); else InputError."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(values) & ((values > minimum) if strict else (values >= minimum))
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        queue = frame["queue"].iloc[i] if "queue" in frame.columns else None
        sign = ">" if strict else ">="
        raise InputError(
            f"{column} must be a number {sign} {minimum:g} (got {frame[column].iloc[i]!r}"
            + (f", queue {queue}" if queue is not None else "")
            + ")",
            where=f"{what}, row {i + 1}, column {column}",
        )
    return values
