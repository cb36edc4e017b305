"""Side-by-side coroutines of one connection (a websocket's reader, writer, heartbeat...)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


async def until_first_ends(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Run the coroutines together until one of them ends, cancel the others (waiting for
    them), then raise what an ended one raised, if it did."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    for task in done:
        exc = task.exception()
        if exc is not None:
            raise exc
