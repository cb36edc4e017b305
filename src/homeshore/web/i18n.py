"""Interface texts in French and English, and the choice of language for a request.

One catalogue per language, with the same keys and the same ``{placeholders}`` (a test checks
both). Pages render their texts on the server; the texts their scripts need are handed over
as JSON (:func:`script_texts`), so a script never carries a text of its own.

The language is the user's stored preference when there is one, otherwise the first
supported language of the browser's ``Accept-Language``, otherwise French (the platform's
users are French first).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Final

from homeshore.web._texts_en import EN
from homeshore.web._texts_fr import FR

CATALOGUES: Final[Mapping[str, Mapping[str, str]]] = {"fr": FR, "en": EN}
LANGUAGES: Final = tuple(CATALOGUES)
DEFAULT_LANGUAGE: Final = "fr"
#: the language picked before logging in (the stored user choice wins after login)
LANGUAGE_COOKIE: Final = "homeshore_language"
#: how each language names itself, for the language switcher
LANGUAGE_NAMES: Final[Mapping[str, str]] = {"fr": "Français", "en": "English"}

_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a text expects."""
    return frozenset(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name)


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (RFC 9110 q-values), or ``None``."""
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")):
        match = _RANGE.match(part)
        if match is None:
            continue
        primary = match.group(1).lower()
        try:
            q = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        if primary in CATALOGUES and q > 0:
            key = (-q, position, primary)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def choose_language(preference: str | None, accept_language: str | None) -> str:
    """The user's stored preference, else the browser's language, else the default."""
    if preference is not None and preference in CATALOGUES:
        return preference
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE


class Translator:
    """``t(key, **values)`` for one language; an unknown key is a programming error."""

    def __init__(self, language: str) -> None:
        if language not in CATALOGUES:
            raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
        self.language = language
        self._texts = CATALOGUES[language]

    def __call__(self, key: str, /, **values: object) -> str:
        try:
            text = self._texts[key]
        except KeyError:
            raise KeyError(f"no interface text {key!r} in {self.language}") from None
        return text.format(**values) if values else text

    def script_texts(self, prefix: str = "js.") -> dict[str, str]:
        """The texts scripts use (keys starting with ``prefix``), unformatted."""
        return {k[len(prefix) :]: v for k, v in self._texts.items() if k.startswith(prefix)}
