"""Write the report's tables as CSV and JSON, each file through a temporary file and a rename."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
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


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: NaN as null, numpy scalars as Python numbers, times as ISO text."""
    return [
        {str(k): _json_value(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
    ]


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> list[Path]:
    """`name`.csv and `name`.json in `folder`; returns both paths."""
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    write_text_atomic(csv_path, serialisable(frame).to_csv(index=False))
    write_text_atomic(json_path, json.dumps(frame_records(frame), indent=1) + "\n")
    return [csv_path, json_path]


def write_json(data: Mapping[str, Any], path: Path) -> Path:
    clean = {str(k): _json_value(v) for k, v in data.items()}
    write_text_atomic(path, json.dumps(clean, indent=1) + "\n")
    return path
