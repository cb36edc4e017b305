"""Write an output file whole or not at all: a temporary file in the same folder, renamed
over the target once complete. A failure leaves the previous file (if any) untouched."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` to fill a temporary file, then rename it to `path`.

    The temporary file keeps `path`'s suffix, so writers that infer the format from the
    name (matplotlib) see the right one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 `text` to `path` atomically (newlines as given)."""

    def fill(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    return write_atomic(path, fill)
