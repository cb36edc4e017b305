"""Start-up cost of the command line: `homeshore --help` and a one-interval
`homeshore staff` import only what they need (bench/startup.py measures the time)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: the scientific stack: seconds to import, needed only by the commands that compute
HEAVY = ("scipy", "statsmodels", "matplotlib", "ortools", "pandas", "sqlalchemy")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages in sys.modules after running `code` in a fresh interpreter."""
    tail = "import json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = f"{code}\n{tail}"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_command_line_loads_no_scientific_package() -> None:
    loaded = _loaded_after("import homeshore.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_loads_no_scientific_package() -> None:
    code = "from homeshore.cli import main\nmain(['--help'])"
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize(
    "command", ["plan", "demo", "forecast", "backtest", "simulate", "schedule", "pilot"]
)
def test_a_commands_help_loads_no_scientific_package(command: str) -> None:
    args = [command, "--help"]
    loaded = _loaded_after(f"from homeshore.cli import main\nmain({args!r})")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_one_interval_staffing_leaves_the_table_stack_unloaded() -> None:
    args = ["staff", "--calls", "100", "--interval-min", "30", "--aht-s", "180"]
    args += ["--threshold-s", "20", "--target-sl", "0.8", "--json"]
    loaded = _loaded_after(f"from homeshore.cli import main\nmain({args!r})")
    assert "scipy" in loaded  # Erlang's special functions
    assert not loaded & {"pandas", "statsmodels", "matplotlib", "ortools"}


def test_the_forecast_options_name_every_method() -> None:
    from homeshore.commands.forecast import METHOD_NAMES
    from homeshore.forecasting import METHODS

    assert tuple(METHODS) == METHOD_NAMES


def test_the_staffing_package_still_offers_its_table_functions() -> None:
    import homeshore.staffing as staffing
    from homeshore.staffing import requirements

    assert staffing.staff_requirements is requirements.staff_requirements
    assert staffing.QueueStaffing is requirements.QueueStaffing
    with pytest.raises(AttributeError, match="no_such_name"):
        staffing.no_such_name  # noqa: B018
