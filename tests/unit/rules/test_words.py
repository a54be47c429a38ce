"""A rule in words: every construct of the rule language reads as a sentence, each phrase through gettext."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from unforgotten.errors import RuleError
from unforgotten.rules import language
from unforgotten.rules.words import describe

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "agreements" / "2025-06-02.yaml"

# One rule per construct, with the sentence it reads as. Every key of the language must be here (checked below).
CASES: list[tuple[dict[str, object], str]] = [
    ({"person_type": ["military"]}, "person type is military"),
    ({"person_type": ["military", "civilian", "child"]}, "person type is military, civilian or child"),
    ({"list_kind": ["custody"]}, "on a custody list"),
    ({"list_kind": ["request", "tracing"]}, "on a request or tracing list"),
    ({"age": {"min": 18, "max": 25}}, "age at the reference date between 18 and 25"),
    ({"age": {"min": 60}}, "age at the reference date 60 or over"),
    ({"age": {"max": 17}}, "age at the reference date 17 or under"),
    ({"medical_commission": ["repatriate"]}, "mixed medical commission: repatriate"),
    ({"medical_commission": ["refer", "reject"]}, "mixed medical commission: refer for later examination or reject"),
    ({"health_status": ["seriously_wounded"]}, "health status is seriously wounded"),
    ({"health_status": ["seriously_wounded", "seriously_ill"]}, "health status is seriously wounded or seriously ill"),
    ({"remains": True}, "on a remains list"),
    ({"remains": False}, "not on a remains list"),
    ({"sex": ["F"]}, "sex is female"),
    ({"sex": ["M", "F"]}, "sex is male or female"),
    ({"all": [{"remains": True}, {"sex": ["M"]}]}, "on a remains list and sex is male"),
    ({"all": [{"remains": True}]}, "on a remains list"),
    ({"any": [{"remains": True}, {"sex": ["M"]}]}, "on a remains list or sex is male"),
    ({"not": {"person_type": ["civilian"]}}, "not (person type is civilian)"),
    # nesting: a combination inside another is bracketed; a single-item one is not
    (
        {"all": [{"list_kind": ["custody"]}, {"any": [{"medical_commission": ["repatriate"]},
                                                     {"health_status": ["seriously_wounded"]}]}]},
        "on a custody list and (mixed medical commission: repatriate or health status is seriously wounded)",
    ),
    ({"any": [{"all": [{"remains": True}]}, {"sex": ["F"]}]}, "on a remains list or sex is female"),
    ({"not": {"all": [{"remains": True}, {"sex": ["F"]}]}}, "not (on a remains list and sex is female)"),
    # a value the table does not know is shown as written, underscores as spaces
    ({"person_type": ["border_guard"]}, "person type is border guard"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "words"), CASES, ids=[w for _, w in CASES])
def test_each_construct_reads_as_a_sentence(rule: dict[str, object], words: str) -> None:
    language.validate_rule(rule)  # the cases are rules the language accepts
    assert describe(rule) == words


def test_every_key_of_the_language_has_a_case() -> None:
    """A key added to the language without words here fails: the page would otherwise raise on it."""
    keys = {next(iter(rule)) for rule, _ in CASES}
    assert keys == language._COMBINATORS | language._PREDICATES  # noqa: SLF001 - the language's own key sets
    assert {"min", "max"} <= {b for rule, _ in CASES if "age" in rule for b in rule["age"]}  # type: ignore[attr-defined]


def test_every_phrase_goes_through_gettext() -> None:
    """Translated phrases and values, nothing left in English: a catalogue that brackets every message shows it."""
    rule = {"all": [{"list_kind": ["custody"]}, {"any": [{"age": {"min": 18, "max": 25}}, {"not": {"remains": True}}]},
                    {"medical_commission": ["refer", "repatriate"]}]}  # fmt: skip
    text = describe(rule, lambda message: f"[{message}]")
    # "%(...)s" in a message is filled after translation, so the brackets wrap each phrase, not its values
    assert text == (
        "[on a [custody] list] [and] ([age at the reference date between 18 and 25] [or] [not ([on a remains list])])"
        " [and] [mixed medical commission: [[refer for later examination] or [repatriate]]]"
    )


def test_the_example_agreement_reads_as_signed() -> None:
    categories = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["categories"]
    words = {c["name"]: describe(c["rule"]) for c in categories}
    assert words == {
        "seriously wounded": "on a custody list and (mixed medical commission: repatriate or health status is "
        "seriously wounded)",
        "seriously ill": "on a custody list and (mixed medical commission: repatriate or health status is "
        "seriously ill)",
        "aged 18-25": "on a custody list and person type is military and age at the reference date between 18 and 25",
        "remains": "on a remains list",
    }


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(RuleError):
        describe({"rank": ["general"]})
