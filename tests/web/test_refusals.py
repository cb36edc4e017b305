from __future__ import annotations

from pathlib import Path

from homeshore.web.i18n import CATALOGUES, Translator
from homeshore.web.refusals import REFUSALS, refusal_texts

SERVICES = Path(__file__).resolve().parents[2] / "src" / "homeshore" / "services"


def test_each_refusal_is_still_worded_so_by_the_use_cases() -> None:
    source = "\n".join(p.read_text() for p in SERVICES.glob("*.py"))
    for english in REFUSALS:
        assert f'"{english}"' in source, f"the services no longer say: {english}"


def test_each_refusal_has_its_texts() -> None:
    for language in CATALOGUES:
        texts = refusal_texts(Translator(language))
        assert set(texts) == set(REFUSALS)
        assert all(texts.values())
    french = refusal_texts(Translator("fr"))
    assert french["finish the contacts in hand first"] == "Terminez d'abord les contacts en cours."
