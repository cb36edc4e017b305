"""Write the report's tables as CSV and JSON, each file through a temporary file and a rename.

JSON files hold an array of records, one record per line: written column by column with the
standard library's C encoder, where an indented dump went value by value in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from homeshore.data.schedule_io import write_text_atomic


def _iso(value: Any) -> Any:
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return value


def serialisable(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 text with their UTC offset (local time kept), the rest unchanged."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or series.dtype == object:
            out[column] = series.map(_iso)
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return _iso(value)


def _column_values(series: pd.Series) -> list[Any]:
    """One column as JSON-ready Python values, converted a column at a time where its numpy
    type allows (numbers, booleans, times), else value by value."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        return [None if v is pd.NaT else v.isoformat() for v in series.tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return series.tolist()  # Python ints and bools
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [None if math.isnan(v) else v for v in series.tolist()]
    return [_json_value(v) for v in series.tolist()]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: NaN and NaT as null, numpy scalars as Python numbers, times as ISO
    text."""
    names = [str(c) for c in frame.columns]
    columns = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def records_json(records: Sequence[Mapping[str, Any]]) -> str:
    """A JSON array, one record per line."""
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> list[Path]:
    """`name`.csv and `name`.json in `folder`; returns both paths."""
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    write_text_atomic(csv_path, serialisable(frame).to_csv(index=False))
    write_text_atomic(json_path, records_json(frame_records(frame)))
    return [csv_path, json_path]


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    clean = {str(k): _json_value(v) for k, v in data.items()}
    write_text_atomic(path, json.dumps(clean, indent=1) + "\n")
    return path
