from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeshore.domain import Activity, Channel, WorkMode
from homeshore.domain.evaluation import Rating
from homeshore.readiness.setup import ACCESS_KINDS
from homeshore.scheduling import LABELS
from homeshore.scheduling.audit import STRUCTURAL_RULES
from homeshore.services.audit import ACTIONS as AUDIT_ACTIONS
from homeshore.services.events import MONITORING_EVENTS
from homeshore.services.schedule_changes import KINDS
from homeshore.services.states import AgentState
from homeshore.web.i18n import (
    CATALOGUES,
    DEFAULT_LANGUAGE,
    Translator,
    choose_language,
    from_accept_language,
    placeholders,
)
from homeshore.web.views import DISPOSITIONS

WEB = Path(__file__).resolve().parents[2] / "src" / "homeshore" / "web"


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    fr, en = CATALOGUES["fr"], CATALOGUES["en"]
    assert set(fr) == set(en)
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key
        assert fr[key].strip() and en[key].strip(), key


def test_french_and_english_texts_differ_where_words_are_involved() -> None:
    same = [k for k in CATALOGUES["fr"] if CATALOGUES["fr"][k] == CATALOGUES["en"][k]]
    # only words that are the same in both languages ("Contacts", "chat", "Transfert"?)
    assert len(same) <= 6, same


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in (WEB / "templates").glob("*.html"):
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", path.read_text()))
    return keys


def _script_keys() -> tuple[set[str], set[str]]:
    """Literal keys, and the prefixes of keys built as t(`prefix.${...}`)."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for path in (WEB / "static" / "js").glob("*.js"):
        text = path.read_text()
        literal |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", text))
        prefixes |= set(re.findall(r"\bt\(\s*`([a-z0-9_.]+)\.\$\{", text))
    return literal, prefixes


def test_every_text_a_template_names_exists() -> None:
    keys = _template_keys()
    assert keys, "no t(...) found in the templates"
    missing = {k for k in keys if k not in CATALOGUES["en"] and not k.endswith(".")}
    assert not missing


#: the parts of a home set-up's name (homeshore.readiness.setup.SetUp.key)
SETUP_PARTS = ("wired", "wifi", "usb_headset", "other_headset", *ACCESS_KINDS, "vpn", "no_vpn")


#: an advisor's reply to an offer as stored (homeshore.services.offers.reply)
REPLIES = ("accepted", "declined", "too_late", "refused")


def test_every_text_a_script_names_exists() -> None:
    literal, prefixes = _script_keys()
    script_texts = Translator("en").script_texts()
    assert not {k for k in literal if k not in script_texts}
    values = {
        "state": [s.value for s in AgentState],
        "activity": [a.value for a in Activity],
        "location": [m.value for m in WorkMode],
        "channel": [c.value for c in Channel],
        "contact_state": ["queued", "offered", "active", "wrap_up", "completed", "abandoned"],
        "sender": ["agent", "customer", "manager"],
        "verdict": ["pass", "warn", "fail", "unknown"],
        "conn": ["connecting", "open", "reconnecting", "closed"],
        "adherence": ["in", "out"],
        "tile": ["waiting", "oldest", "sl", "asa", "abandon"],
        "agent.readiness": ["unknown", "warn", "fail"],
        "softphone": ["registering", "registered", "failed", "off"],
        "call": ["connecting", "connected", "ended", "mute", "unmute", "hold", "resume"],
        "readiness.path": ["media", "websocket"],
        "agent.readiness_due": ["expired", "bad_calls"],
        "setup": [*SETUP_PARTS],
        "rating": [r.value for r in Rating],
        "monitoring": list(MONITORING_EVENTS),
        "audit": list(AUDIT_ACTIONS),
        # the day (intraday): kinds of offer, an advisor's reply, how an offer closes
        "intraday.kind": list(KINDS),
        "extra.title": list(KINDS),
        "extra.reply": [*REPLIES],
        "offer_reply": ["waiting", *REPLIES],
        "day.offer.closed": ["filled", "expired", "withdrawn"],
        "day.trend": ["above", "below", "within"],
        "rule": [*LABELS, *STRUCTURAL_RULES],
    }
    assert prefixes <= set(values), prefixes - set(values)
    for prefix in prefixes:
        for value in values[prefix]:
            assert f"{prefix}.{value}" in script_texts, f"{prefix}.{value}"


def test_every_disposition_is_worded() -> None:
    for language in CATALOGUES:
        t = Translator(language)
        assert all(t(f"disposition.{d}") for d in DISPOSITIONS)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,en;q=0.5", "en"),
        ("en;q=0.2, fr;q=0.7", "fr"),
        ("en;q=0, fr;q=0.1", "fr"),
        ("de, it", None),
        ("", None),
        (None, None),
        ("*;q=0.5,,;;garbage", None),
        ("en;q=abc, fr", "fr"),
    ],
)
def test_browser_language(header: str | None, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_the_stored_choice_wins_then_the_browser_then_french() -> None:
    assert choose_language("en", "fr-FR") == "en"
    assert choose_language(None, "en-US") == "en"
    assert choose_language("xx", "de") == DEFAULT_LANGUAGE == "fr"


@given(st.text(max_size=200))
def test_any_header_gives_a_supported_language(header: str) -> None:
    assert choose_language(None, header) in CATALOGUES


def test_translator_fills_placeholders_and_refuses_unknown_keys() -> None:
    assert Translator("fr")("signed_in_as", name="Ann") == "Connecté en tant que Ann"
    assert Translator("en")("signed_in_as", name="Ann") == "Signed in as Ann"
    with pytest.raises(KeyError, match="no interface text"):
        Translator("en")("no.such.key")
    with pytest.raises(ValueError, match="unsupported language"):
        Translator("de")


def test_script_texts_are_the_js_keys_without_their_prefix() -> None:
    texts = Translator("fr").script_texts()
    assert texts["state.available"] == "Disponible"
    assert not any(k.startswith("js.") for k in texts)
    assert len(texts) == sum(1 for k in CATALOGUES["fr"] if k.startswith("js."))
