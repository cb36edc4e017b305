"""Property-based runs of every operation of the OpenAPI schema against the real app:
whatever the input and whoever asks, the answer is never a 5xx. Bounded in examples."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeshore.api.app import create_app
from homeshore.services.auth import create_user
from homeshore.services.scope import Role
from tests.services.server import serve_in_thread
from tests.services.support import PASSWORD, Live, live_settings, make_users, mini_scenario

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
        # logging out, disabling an account or changing its password ends the sessions the
        # other operations use: do them last
        operations.sort(key=lambda op: op.path in ("/api/auth/logout", "/api/users/{user_id}"))
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


# -- hostile JSON: every JSON route, the values that once made 5xx ------------------------

#: raw JSON texts no well-behaved client sends; each has made some server answer 500
HOSTILE = (
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"5e-324",
    b"9" * 5_000,  # past Python's 4,300-digit limit on int()
    b'"\\ud800"',  # a lone surrogate: valid JSON, not encodable as UTF-8
    b'"x\\udfff"',
    b'{"\\ud800": 1}',
    b'"\\u0000"',
    b"[" * 3_000 + b"]" * 3_000,  # past the JSON parser's recursion limit
    b'"' + b"x" * 70_000 + b'"',  # past the default body limit
    b'"' + b"x" * 20_000 + b'"',
    b"{}",
    b"[]",
    b"null",
    b"-1",
)
#: path parameters: objects that exist (contact 1 is created first), or a user that does not
PATH_VALUES = {"agent_id": "a1", "user_id": "999999", "session": "s1", "party": "caller"}
HOSTILE_EXAMPLES_PER_ROUTE = 25


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@st.composite
def _json_for(draw: st.DrawFn, spec: dict[str, Any], schema: dict[str, Any], depth: int) -> bytes:
    """A JSON text for ``schema``, any part of which may be a hostile value instead."""
    if depth > 3 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(HOSTILE))
    schema = _resolve(spec, schema)
    if "anyOf" in schema:
        return draw(_json_for(spec, draw(st.sampled_from(schema["anyOf"])), depth))
    if "enum" in schema:
        return json.dumps(draw(st.sampled_from(schema["enum"]))).encode()
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        names = draw(st.lists(st.sampled_from(sorted(props)), unique=True)) if props else []
        items = [
            json.dumps(name).encode() + b":" + draw(_json_for(spec, props[name], depth + 1))
            for name in names
        ]
        return b"{" + b",".join(items) + b"}"
    if kind == "array":
        count = draw(st.integers(0, 3))
        parts = [draw(_json_for(spec, schema.get("items", {}), depth + 1)) for _ in range(count)]
        return b"[" + b",".join(parts) + b"]"
    plain: Any = {
        "string": st.text(max_size=12),
        "integer": st.integers(-(2**70), 2**70),
        "number": st.floats(allow_nan=False, allow_infinity=False),
        "boolean": st.booleans(),
    }.get(kind or "", st.none())
    return json.dumps(draw(plain)).encode()


def test_hostile_json_to_every_json_route_answers_4xx(live: Live) -> None:
    """Bodies shaped like each route's schema, with NaN, infinities, lone surrogates, deep
    nesting, huge strings and numbers in random places: a 2xx or 4xx, never a 5xx (the test
    client raises what the app did not handle). Seeded: the same examples every run."""
    spec = live.client.get("/openapi.json").json()
    live.new_contact()  # contact 1
    admin = {**live.headers("admin"), "content-type": "application/json"}
    routes = [
        (method.upper(), path, op["requestBody"]["content"]["application/json"]["schema"])
        for path, operations in spec["paths"].items()
        for method, op in operations.items()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(routes) >= 20
    statuses: list[int] = []
    for method, path, schema in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)
        _post_hostile(live, method, url, _json_for(spec, schema, 0), admin, statuses)
    assert len(statuses) >= 5 * len(routes)
    assert {400, 413, 422} <= set(statuses), "deep nesting, size and validation all met"


def _post_hostile(
    live: Live,
    method: str,
    url: str,
    bodies: st.SearchStrategy[bytes],
    headers: dict[str, str],
    statuses: list[int],
) -> None:
    @settings(
        max_examples=HOSTILE_EXAMPLES_PER_ROUTE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    def check(body: bytes) -> None:
        answer = live.client.request(method, url, content=body, headers=headers)
        statuses.append(answer.status_code)
        assert answer.status_code < 500, f"{method} {url} {body[:200]!r}: {answer.text}"
        if answer.status_code in (400, 413, 422):
            refusal = answer.json()
            assert isinstance(refusal["detail"], str) and "field" in refusal, refusal
            if answer.status_code != 422 or "errors" in refusal:  # not a use case's refusal
                assert refusal["field"], refusal  # the input names the field
            assert len(answer.content) < 8_000, "no input echoed back"

    check()
