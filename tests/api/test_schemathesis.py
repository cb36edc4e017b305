"""Property-based run of every operation of the OpenAPI schema against a real server:
whatever the input and whoever asks, the answer is never a 5xx. Bounded in examples."""

from __future__ import annotations

import warnings
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from homeshore.api.app import create_app
from homeshore.services.auth import create_user
from homeshore.services.scope import Role
from tests.services.server import serve_in_thread
from tests.services.support import PASSWORD, live_settings, make_users, mini_scenario

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis

EXAMPLES_PER_OPERATION = 12


@pytest.mark.slow
def test_no_operation_answers_5xx(tmp_path: Path) -> None:
    app = create_app(live_settings(f"sqlite:///{tmp_path / 'fuzz.db'}"), mini_scenario())
    with serve_in_thread(app) as base:
        make_users(app.state.platform)
        create_user(app.state.platform, username="ops", password=PASSWORD, role=Role.ADMIN)
        tokens = [
            httpx.post(f"{base}/api/auth/login", json={"username": u, "password": PASSWORD}).json()[
                "token"
            ]
            for u in ("ops", "m.red", "a1")
        ] + ["not-a-token"]
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        # logging out ends the sessions the other operations use: do it last
        operations.sort(key=lambda op: op.path == "/api/auth/logout")
        assert len(operations) >= 20
        failures: list[str] = []
        statuses: list[int] = []
        for operation in operations:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                for token in tokens:
                    response = case.call(
                        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10
                    )
                    statuses.append(response.status_code)
                    if response.status_code >= 500:
                        failures.append(
                            f"{case.method} {case.formatted_path} -> {response.status_code}: "
                            f"{response.text[:200]}"
                        )

            check()
        assert failures == []
        assert len(statuses) >= 4 * len(operations)
        assert sum(200 <= s < 300 for s in statuses) >= len(operations), "mostly refusals"
