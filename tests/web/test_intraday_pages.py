"""The day's parts of the pages: the console's panel and the desk's card render in both
languages, and the page scripts still recognise what the services and routes say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from homeshore.api.routes.intraday import CLOSED
from homeshore.services.offers import SYSTEM
from homeshore.web.i18n import Translator
from tests.services.support import Live
from tests.web.conftest import form_login

SRC = Path(__file__).resolve().parents[2] / "src" / "homeshore"
SCRIPTS = SRC / "web" / "static" / "js"


@pytest.mark.parametrize(
    ("language", "title", "post", "command"),
    [
        ("en-GB", "The day", "Post the offer", "homeshore serve --forecast out/plan/forecast.csv"),
        ("fr-FR", "La journée", "Publier l&#39;offre", "--forecast out/plan/forecast.csv"),
    ],
)
def test_the_console_has_the_day_with_its_form(
    live: Live, language: str, title: str, post: str, command: str
) -> None:
    form_login(live, "m.red", **{"Accept-Language": language})
    html = live.client.get("/supervisor", headers={"Accept-Language": language}).text
    assert f'<h2 id="day-title">{title}</h2>' in html
    assert post in html and command in html
    for field in ("day-kind", "day-queue", "day-from", "day-to", "day-places"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert '<option value="plans">Plans</option>' in html


@pytest.mark.parametrize(
    ("language", "title"), [("en-GB", "Extra time offered"), ("fr-FR", "Heures proposées")]
)
def test_the_desk_has_the_offered_hours(live: Live, language: str, title: str) -> None:
    form_login(live, "a1", **{"Accept-Language": language})
    html = live.client.get("/agent", headers={"Accept-Language": language}).text
    assert f'<h2 id="extra-title">{title}</h2>' in html
    assert '<template id="extra-template">' in html


def _js(name: str) -> str:
    """The value of ``const name = ...;`` in extra_time.js."""
    match = re.search(rf"const {name} = (.+?);\n", (SCRIPTS / "extra_time.js").read_text(), re.S)
    assert match is not None, name
    return match.group(1)


def test_the_desk_recognises_each_refusal_of_a_reply() -> None:
    """extra_time.js words the route's refusals: both must keep the same sentences."""
    route = (SRC / "api" / "routes" / "intraday.py").read_text()
    said = {
        "CLOSED": ('f"offer {offer_id} is closed: {why}"', f"offer 12 is closed: {CLOSED['open']}"),
        "RULES": (
            'f"the rules no longer allow this time for you: {rules}"',
            "the rules no longer allow this time for you: daily_rest, seats",
        ),
    }
    for name, (source, example) in said.items():
        assert source in route, f"the route no longer says: {source}"
        assert re.match(_js(name).strip("/"), example), name
    worded = json.loads(_js("CLOSED_WHY").replace(",\n}", "\n}"))
    assert set(CLOSED.values()) <= set(worded)
    script_texts = Translator("en").script_texts()
    assert all(key in script_texts for key in worded.values())
    assert "extra.closed.other" in script_texts


def test_the_console_names_the_platform_as_the_services_do() -> None:
    assert f'const PLATFORM_AUTHOR = "{SYSTEM}";' in (SCRIPTS / "intraday.js").read_text()
