"""How the command line picks its language: --lang, then UNFORGOTTEN_LANG, then the POSIX locale, else English."""

from __future__ import annotations

import pytest

from unforgotten.cli.i18n import choose_language


@pytest.mark.parametrize(
    ("requested", "environ", "expected"),
    [
        ("ru", {"UNFORGOTTEN_LANG": "uk", "LANG": "uk_UA.UTF-8"}, "ru"),  # --lang wins
        (None, {"UNFORGOTTEN_LANG": "uk", "LANGUAGE": "ru"}, "uk"),
        (None, {"LANGUAGE": "de:ru:en", "LANG": "uk_UA.UTF-8"}, "ru"),  # the first supported in LANGUAGE's list
        (None, {"LC_ALL": "ru_RU.UTF-8", "LANG": "uk_UA.UTF-8"}, "ru"),
        (None, {"LC_MESSAGES": "uk_UA", "LANG": "en_GB.UTF-8"}, "uk"),
        (None, {"LANG": "uk_UA.UTF-8"}, "uk"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LC_ALL": "de_DE.UTF-8", "LANG": "uk_UA.UTF-8"}, "en"),  # a set variable decides, even unsupported
        (None, {"LANG": ""}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_chosen_as_command_line_programs_choose(
    requested: str | None, environ: dict[str, str], expected: str
) -> None:
    assert choose_language(requested, environ) == expected
