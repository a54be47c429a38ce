"""The review pass: entries left without a match get their best few candidates of broader rules, never links."""

from __future__ import annotations

from tests.unit.linkage.conftest import person
from tests.unit.linkage.test_engine import FILLER

from unforgotten.linkage import LinkageModel, link_incremental, link_lists
from unforgotten.linkage.backend import open_backend
from unforgotten.linkage.engine import LEFT, RIGHT, score_pairs
from unforgotten.linkage.features import features
from unforgotten.linkage.review import REVIEW_PER_ENTRY, best_suggestions, review_frame

# The same man: the surname mistyped in its first letters (Бикчук / Бичкук), the day of birth wrong, and no
# patronymic on the custody side — no prediction rule pairs them (each needs the surname key or its head with a date
# or a patronymic, or the full date).
REQUEST = person("a", "Бикчук", "Степан", "Олександрович", "1984-02-11")
CUSTODY = person("b", "Бичкук", "Степан", "", "1984-02-17")
# Namesakes of a request entry: the same family and given name, born years apart or with another patronymic.
NAMESAKES = [
    person(f"m{i}", "Мельник", "Олег", ["Петрович", "Іванович", "Сергійович"][i % 3], f"{1960 + 2 * i}-0{1 + i % 9}-15")
    for i in range(15)
]


def test_no_prediction_rule_pairs_the_mistyped_entries(model: LinkageModel) -> None:
    left, right = features([REQUEST, *FILLER[:10]], id_prefix=LEFT), features([CUSTODY, *FILLER[10:]], id_prefix=RIGHT)
    backend = open_backend()
    try:
        scored = score_pairs(backend, [left, right], model, "link_and_dedupe", 0.0, (len(left), len(right)))
    finally:
        backend.close()
    pairs = set(zip(scored["unique_id_l"], scored["unique_id_r"], strict=True))
    assert ("L|a", "R|b") not in pairs and ("R|b", "L|a") not in pairs


def test_the_review_pass_suggests_the_pair_and_never_links_it(model: LinkageModel) -> None:
    result = link_lists([REQUEST, *FILLER[:10]], [CUSTODY, *FILLER[10:]], model=model, review=0.1, explain=True)
    assert ("a", "b") not in {(p.left_id, p.right_id) for p in result.pairs}
    [suggestion] = [p for p in result.suggestions if p.left_id == "a"]
    assert suggestion.right_id == "b" and suggestion.score > 0.1
    assert suggestion.explanation is not None and "family_name" in suggestion.explanation
    assert link_lists([REQUEST], [CUSTODY], model=model).suggestions == []  # only when asked for


def test_the_review_pass_suggests_a_person_to_an_unmatched_new_entry(model: LinkageModel) -> None:
    existing = [{**CUSTODY, "person_id": "5"}, *({**row, "person_id": str(100 + n)} for n, row in enumerate(FILLER))]
    [assignment] = link_incremental([REQUEST], existing, model=model, lower=0.1)
    assert assignment.person_id is None
    assert [person_id for person_id, _, _ in assignment.suggestions] == [5]
    _, probability, explanation = assignment.suggestions[0]
    assert probability > 0.1 and "dob" in explanation
    [quiet] = link_incremental([REQUEST], existing, model=model)  # no lower: no suggestions
    assert quiet.suggestions == []


def test_namesakes_do_not_flood_the_suggestions(model: LinkageModel) -> None:
    request = [person("q", "Мельник", "Олег", "Петрович", "1990-05-05"), *FILLER[:10]]
    result = link_lists(request, [*NAMESAKES, *FILLER[10:]], model=model, review=0.1)
    assert not [p for p in result.pairs if p.left_id == "q"]
    assert len([p for p in result.suggestions if p.left_id == "q"]) <= REVIEW_PER_ENTRY
    assert len(result.suggestions) <= REVIEW_PER_ENTRY


def test_best_suggestions_keep_each_entrys_best_few_above_the_floor() -> None:
    scored = [("e", "p1", 0.2), ("e", "p1", 0.6), ("e", "p2", 0.3), ("e", "p3", 0.01), ("e", "p4", 0.5),
              ("e", "p5", 0.4), ("f", "p1", 0.001)]  # fmt: skip
    chosen = best_suggestions(scored, floor=0.05, per_entry=3)
    assert chosen == {"e": [("p1", 0.6), ("p4", 0.5), ("p5", 0.4)]}
    assert best_suggestions(scored, floor=0.05, per_entry=3, exclude={"e": ["p1"]})["e"][0] == ("p4", 0.5)


def test_review_keys_tolerate_a_transposition_and_a_mistyped_head() -> None:
    frame = review_frame(features([REQUEST, CUSTODY, person("c", "Ли", "Ян")]))
    assert frame["family_sorted"][0] == frame["family_sorted"][1]
    assert frame["family_initial"][0] == frame["family_initial"][1]
    assert frame["family_sorted"][2] is None and frame["family_tail"][2] is None


def test_the_review_ranking_counts_the_given_name_veto_as_nothing(model: LinkageModel) -> None:
    import pandas as pd

    from unforgotten.linkage.explain import probability_from_weight
    from unforgotten.linkage.review import review_probabilities, second_pass_threshold

    given = next(c for c in model.splink_settings["comparisons"] if c["output_column_name"] == "given_name")
    non_null = [level for level in given["comparison_levels"] if not level.get("is_null_level")]
    veto = len(non_null) - 1 - next(i for i, lv in enumerate(non_null) if lv.get("m_probability") == 1e-12)
    scored = pd.DataFrame(
        {"match_weight": [-30.0, -30.0], "gamma_given_name": [veto, 0], "mw_given_name": [-39.0, -2.0]}
    )
    ranks = review_probabilities(scored, model.splink_settings)
    assert ranks == [probability_from_weight(9.0), probability_from_weight(-30.0)]
    assert 0.0 < second_pass_threshold(1e-4, model.splink_settings) < 1e-15
