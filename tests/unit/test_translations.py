"""The uk and ru catalogues are complete, compiled and current: a page string added without its translations, a .po
edited without `make i18n`, or a template changed without re-extracting, fails here (the fix is `make i18n`, then
translating what it added)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from unforgotten import errors
from unforgotten.agreements.models import ExchangeFormat
from unforgotten.auth.models import PartyKind
from unforgotten.ingest.model import Severity
from unforgotten.lists.flows import ReconciliationStatus
from unforgotten.lists.models import EntryStatus, ListKind
from unforgotten.persons.states import Status
from unforgotten.web.i18n import LABELS, PROBLEM_TITLES, label, pick_language, problem_title

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "src" / "unforgotten" / "web" / "locales"
LANGUAGES = ("uk", "ru")

Key = tuple[str | None, str]


def _read_po(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _keys(catalog: Catalog) -> set[Key]:
    return {(m.context, str(m.id)) for m in catalog if m.id}


def _po(language: str) -> Catalog:
    return _read_po(LOCALES / language / "LC_MESSAGES" / "unforgotten.po")


def test_the_template_is_current_with_the_sources(tmp_path: Path) -> None:
    """Re-extract exactly as `make i18n` does and compare the msgids with the committed template."""
    fresh = tmp_path / "fresh.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "tr",
            "-k",
            "Text",
            "-o",
            str(fresh),
            "--omit-header",
            str(ROOT),
        ]  # fmt: skip
    )
    extracted, committed = _keys(_read_po(fresh)), _keys(_read_po(LOCALES / "unforgotten.pot"))
    assert len(extracted) > 100  # the extraction really read the templates and i18n.py
    assert extracted - committed == set(), "strings not in unforgotten.pot: run `make i18n`"
    assert committed - extracted == set(), "strings gone from the sources still in unforgotten.pot: run `make i18n`"


def _forms(string: object) -> tuple[str, ...]:
    """A message's translation as its forms: one, or one per plural form (``ngettext``; uk and ru have three)."""
    return tuple(str(form) for form in string) if isinstance(string, list | tuple) else (str(string or ""),)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_has_a_reviewed_translation(language: str) -> None:
    template = _keys(_read_po(LOCALES / "unforgotten.pot"))
    catalog = _po(language)
    assert _keys(catalog) == template, "the .po does not match the .pot: run `make i18n`"
    untranslated = [m.id for m in catalog if m.id and not all(form.strip() for form in _forms(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"{language}: no translation for {untranslated}"
    assert fuzzy == [], f"{language}: fuzzy (unreviewed) translations for {fuzzy}"
    problems = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert problems == [], f"{language}: placeholders differ from the English: {problems}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_is_compiled_from_the_po(language: str) -> None:
    po = _po(language)
    with (LOCALES / language / "LC_MESSAGES" / "unforgotten.mo").open("rb") as f:
        mo = read_mo(f)
    expected = {(m.context, _forms(m.id)): _forms(m.string) for m in po if m.id and not m.fuzzy}
    compiled = {(m.context, _forms(m.id)): _forms(m.string) for m in mo if m.id}
    assert compiled == expected, "unforgotten.mo is stale: run `make i18n`"


def test_every_stored_word_a_page_shows_has_a_label() -> None:
    """Pages show stored machine words through LABELS; a new enum value without a label would stay English."""
    shown = [PartyKind, ListKind, EntryStatus, Severity, ReconciliationStatus, ExchangeFormat, Status]
    words = {str(member.value) for enum in shown for member in enum} | {"not_requested"}
    assert words - set(LABELS) == set()


def test_every_problem_title_is_marked_for_translation() -> None:
    """errors.py's titles are class attributes that extraction cannot see; PROBLEM_TITLES lists them."""
    classes: list[type[errors.UnforgottenError]] = [errors.UnforgottenError]
    for cls in classes:
        classes.extend(cls.__subclasses__())
    assert {cls.title for cls in classes} - set(PROBLEM_TITLES) == set()


def test_labels_and_titles_are_translated() -> None:
    assert label("not_acknowledged", "uk") == "не підтверджено"
    assert label("not_acknowledged", "ru") == "не подтверждено"
    assert label("not_acknowledged", "en") == "not acknowledged"
    assert label("a_word_nobody_labelled", "uk") == "a_word_nobody_labelled"  # shown, never hidden
    assert problem_title("Not found", "uk-UA,uk;q=0.9,en;q=0.5") == "Не знайдено"
    assert problem_title("Not found", "ru") == "Не найдено"
    assert problem_title("Not found", None) == "Not found"


def test_the_language_is_chosen_by_query_then_cookie_then_browser() -> None:
    assert pick_language("ru", requested="uk", remembered="en") == "uk"
    assert pick_language("ru", requested=None, remembered="uk") == "uk"
    assert pick_language("ru", requested="xx", remembered="yy") == "ru"
    assert pick_language("de-DE,de;q=0.9", requested=None, remembered=None) == "en"
