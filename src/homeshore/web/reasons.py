"""The readiness verdict's reasons in the reader's language.

:func:`homeshore.readiness.emodel.verdict` words its reasons in English (they are stored
that way). This module recognises each of its sentence shapes and words it in French; a test
feeds it every kind of reason the verdict produces, so a change of wording there fails here.
A sentence it does not recognise is shown as it is rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

_METRIC_FR: Final = {
    "round-trip time": "le temps aller-retour",
    "jitter": "la gigue",
    "packet loss": "le taux de pertes",
}
_NUMBER = r"[0-9.e+-]+"


def _fr_number(text: str) -> str:
    return text.replace(".", ",")


def _metric(match: re.Match[str]) -> str:
    level = "la limite" if match["level"] == "limit" else "la valeur recommandée"
    unit = match["unit"].replace("%", " %")
    return (
        f"{_METRIC_FR[match['metric']]} atteint {_fr_number(match['value'])}{_space(unit)} et "
        f"dépasse {level} de {_fr_number(match['bound'])}{_space(unit)} dans au moins "
        f"{match['need']} des {match['window']} dernières mesures"
    )


def _space(unit: str) -> str:
    return unit if unit.startswith(" ") else f" {unit}"


_FRENCH: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]] = [
    (
        re.compile(
            rf"^(?P<metric>round-trip time|jitter|packet loss) (?P<value>{_NUMBER}) "
            rf"(?P<unit>ms|%) is above the (?P<level>limit|recommended) (?P<bound>{_NUMBER}) "
            r"(?:ms|%) in (?P<need>\d+) or more of the last (?P<window>\d+) samples$"
        ),
        _metric,
    ),
    (
        re.compile(
            rf"^voice quality MOS (?P<mos>{_NUMBER}) is below the minimum (?P<b>{_NUMBER})$"
        ),
        lambda m: (
            f"la qualité vocale (MOS {_fr_number(m['mos'])}) est sous le minimum de "
            f"{_fr_number(m['b'])}"
        ),
    ),
    (
        re.compile(
            rf"^voice quality MOS (?P<mos>{_NUMBER}) is below the recommended (?P<b>{_NUMBER})$"
        ),
        lambda m: (
            f"la qualité vocale (MOS {_fr_number(m['mos'])}) est sous la valeur recommandée de "
            f"{_fr_number(m['b'])}"
        ),
    ),
    (
        re.compile(
            rf"^bandwidth (?P<bw>{_NUMBER}) kbit/s is below the (?P<min>{_NUMBER}) kbit/s "
            r"one call needs$"
        ),
        lambda m: (
            f"le débit de {_fr_number(m['bw'])} kbit/s est inférieur aux "
            f"{_fr_number(m['min'])} kbit/s qu'exige un appel"
        ),
    ),
    (
        re.compile(r"^the computer is not on a wired connection \(Wi-Fi drops calls\)$"),
        lambda m: "l'ordinateur n'est pas relié par câble (le Wi-Fi coupe les appels)",
    ),
    (re.compile(r"^no USB headset detected$"), lambda m: "pas de casque USB"),
    (
        re.compile(r"^the room is not quiet \(customers hear the background\)$"),
        lambda m: "la pièce n'est pas calme (le client entend le bruit de fond)",
    ),
]


def recognised(reason: str) -> bool:
    return any(pattern.match(reason) for pattern, _ in _FRENCH)


def localise(reason: str, language: str) -> str:
    """``reason`` in ``language`` (fr or en), first letter capitalised."""
    text = reason
    if language == "fr":
        for pattern, word in _FRENCH:
            match = pattern.match(reason)
            if match is not None:
                text = word(match)
                break
    return text[:1].upper() + text[1:]
