"""The rule language: validation names the path; partial dates never give a confident wrong answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.errors import RuleError
from unforgotten.rules import Facts, Verdict, evaluate, health_categories, validate_rule

REF = dt.date(2025, 6, 9)
YOUNG = {"age": {"min": 18, "max": 25}}


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2010, 12, 31)), st.sampled_from([4, 7]))
def test_partial_dates_never_contradict_the_full_date(day: dt.date, length: int) -> None:
    full = evaluate(YOUNG, Facts(date_of_birth=day.isoformat()), reference_date=REF).verdict
    partial = evaluate(YOUNG, Facts(date_of_birth=day.isoformat()[:length]), reference_date=REF).verdict
    assert partial in (full, Verdict.UNDETERMINED)


def test_reasons_say_what_decided() -> None:
    outcome = evaluate(YOUNG, Facts(date_of_birth="1999-06"), reference_date=REF)
    assert outcome.verdict == Verdict.UNDETERMINED and "full date of birth needed" in outcome.reasons[0]
    assert evaluate(YOUNG, Facts(), reference_date=REF).verdict == Verdict.UNDETERMINED


_DOB_FOR = {Verdict.ELIGIBLE: "2002-01-01", Verdict.NOT_ELIGIBLE: "1970-01-01", Verdict.UNDETERMINED: "1999-06"}


@given(st.sampled_from(list(Verdict)), st.sampled_from(list(Verdict)))
def test_kleene_logic(a: Verdict, b: Verdict) -> None:
    # Two facts evaluated by the same age rule give verdicts a and b; all/any/not combine them by Kleene's tables.
    rule_b = {"sex": ["M"]}
    facts = Facts(
        date_of_birth=_DOB_FOR[a],
        sexes=frozenset() if b == Verdict.UNDETERMINED else frozenset({"M" if b == Verdict.ELIGIBLE else "F"}),
    )
    order = [Verdict.NOT_ELIGIBLE, Verdict.UNDETERMINED, Verdict.ELIGIBLE]
    assert evaluate({"all": [YOUNG, rule_b]}, facts, reference_date=REF).verdict == min(a, b, key=order.index)
    assert evaluate({"any": [YOUNG, rule_b]}, facts, reference_date=REF).verdict == max(a, b, key=order.index)
    assert evaluate({"not": {"not": YOUNG}}, facts, reference_date=REF).verdict == a


@pytest.mark.parametrize(
    ("text", "category"),
    [("тяжело ранен", "seriously_wounded"), ("Тяжке поранення", "seriously_wounded"), ("важкохворий", "seriously_ill"),
     ("Seriously ill", "seriously_ill"), ("тяжело больной", "seriously_ill")],
)  # fmt: skip
def test_health_terms_in_three_languages(text: str, category: str) -> None:
    assert health_categories([text]) == {category}
    assert health_categories(["задовільний"]) == set()


@pytest.mark.parametrize(
    ("rule", "path"),
    [({"agee": 1}, "rule"), ({"all": []}, "rule.all"), ({"all": [{"age": {"min": -1}}]}, "rule.all[0].age.min"),
     ({"medical_commission": ["maybe"]}, "rule.medical_commission"), ({"a": 1, "b": 2}, "rule")],
)  # fmt: skip
def test_malformed_rules_name_the_path(rule: object, path: str) -> None:
    with pytest.raises(RuleError, match=path.replace("[", r"\[").replace("]", r"\]")):
        validate_rule(rule)


def test_the_example_agreement_is_valid() -> None:
    data = yaml.safe_load(Path("examples/agreements/2025-06-02.yaml").read_text(encoding="utf-8"))
    for category in data["categories"]:
        validate_rule(category["rule"])
    assert [c["format"] for c in data["categories"]] == ["all_for_all"] * 3 + ["n_for_n"]
