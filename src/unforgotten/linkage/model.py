"""The Splink model: comparisons on cross-script keys, blocking rules, training, and domain priors.

Why these levels: the same person's names meet on keys, not letters (Шевченко = Shevchenko); dates carry clerks'
errors (day/month swapped, a digit off, a year off, only the year), so those are levels of their own; and the
hard negatives — namesakes, brothers, twins — differ in a recognised given name or a date of birth years apart,
so those levels carry fixed, strongly negative weights whatever EM learns.
"""

from __future__ import annotations

from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]

__all__ = [
    "BLOCKING_RULES",
    "SMALL_LISTS",
    "SMALL_LIST_RULES",
    "LinkType",
    "TRAINING_RULES",
    "VETO_M",
    "WEAK_FIELDS",
    "WEAK_FLOOR",
    "comparisons",
    "settings",
]

# Measured on the project's benchmark (docs/benchmarks.md): together these keep >= 99.5% of true pairs at about one
# candidate pair per entry. A surname is never a rule on its own or with one other key: synthetic and real surname
# frequencies make such blocks quadratic (189 million pairs for surname + birth year in a 1M-entry dedupe).
BLOCKING_RULES = (
    block_on("family_key", "given_group", "dob_year"),
    block_on("family_key", "given_group", "patronymic_group"),
    # One part of a double surname (Петренко-Коваль / Коваль): each part against the other side's parts.
    block_on("family_first", "given_group", "dob_year"),
    block_on("family_last", "given_group", "dob_year"),
    # A surname mistyped after its first letters, or missing its date: the surname's head with more keys.
    block_on("family_head", "given_group", "patronymic_group"),
    block_on("family_head", "given_group", "dob_year", "dob_month"),
    block_on("family_key", "given_group", "dob_day"),
    block_on("family_stem", "patronymic_group", "dob_year"),
    block_on("family_key", "dob"),
    block_on("given_group", "dob"),
    block_on("given_group", "patronymic_group", "dob_year"),
    block_on("service_number"),
    # Born the same day in the same town or serving in the same unit: finds entries whose names were mangled.
    block_on("dob", "place_key"),
    block_on("dob", "unit_key"),
    # Name order swapped by one side (Іван Петренко / Петренко Іван) and nothing else to block on.
    CustomRule("l.family_key = r.given_key AND l.given_key = r.family_key"),
)
# For lists small enough that name blocks stay small, broader rules: they find entries that carry nothing but a
# name (no date, no patronymic), or a name and where the person was born or served, or one name written in the
# other's column, at a cost that stays negligible below this many entries in all.
SMALL_LISTS = 50_000
SMALL_LIST_RULES = (
    block_on("family_key", "given_group"),
    block_on("family_first", "given_group"),
    block_on("family_last", "given_group"),
    block_on("family_head", "given_group"),
    block_on("given_group", "patronymic_group", "dob_month"),
    block_on("dob", "patronymic_group"),
    block_on("family_key", "unit_key"),
    block_on("family_key", "place_key"),
    block_on("given_group", "unit_key"),
    block_on("given_group", "place_key"),
    CustomRule("l.family_key = r.given_key"),
    CustomRule("l.given_key = r.family_key"),
)
# EM on a few narrow rules, each leaving some fields free to learn their m (an issue 3 lesson: EM over every
# candidate pair collapses at scale).
TRAINING_RULES = (
    block_on("family_key", "given_group"),
    block_on("dob"),
)
# A veto: m fixed so low that no surname, however rare, outweighs it (brothers, twins, namesakes).
VETO_M = 1e-12
# Fields each side records its own way ("с. Вишневе" / "с. Вишнёвое Харьковской обл."; "в/ч А0769" / "8 бригада
# НГУ"): their disagreement is weak evidence, never a veto. Every level's Bayes factor m/u is kept at or above
# WEAK_FLOOR (-2 bits), whatever EM learns on data where both sides happened to write them alike (issue 10).
WEAK_FIELDS = ("place_of_birth", "military_unit", "mother_maiden_name")
WEAK_FLOOR = 0.25


# One side wrote the given name in the family-name column and vice versa (when the lexicon could not tell).
_SWAPPED = "family_key_l = given_key_r AND given_key_l = family_key_r"
# Both given names are in the lexicon (an unknown one's group is its key with a "~" prefix).
_BOTH_KNOWN = "NOT starts_with(given_group_l, '~') AND NOT starts_with(given_group_r, '~')"
# Only one of the two names crossed over (the other is missing or mistyped), with or without a stray space.
# Not when the given names agree: that evidence is the given name's, and counting it here too would double it.
_HALF_SWAPPED = (
    "(family_key_l = given_key_r OR given_key_l = family_key_r "
    "OR family_raw_l = given_raw_r OR given_raw_l = family_raw_r) "
    "AND coalesce(given_group_l, '') <> coalesce(given_group_r, '')"
)


_ONE_PART = (
    "(family_key_l <> family_first_l OR family_key_r <> family_first_r) "
    "AND (family_first_l = family_first_r OR family_last_l = family_last_r "
    "OR family_key_l = family_first_r OR family_key_l = family_last_r "
    "OR family_key_r = family_first_l OR family_key_r = family_last_l)"
)


def _dob() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.CustomLevel("dob_l = dob_r AND length(dob_l) = 10", label_for_charts="exact"),
            cll.CustomLevel(
                "(length(dob_l) < 10 OR length(dob_r) < 10) "
                "AND (starts_with(dob_l, dob_r) OR starts_with(dob_r, dob_l))",
                label_for_charts="partial date agrees",
            ),
            cll.CustomLevel(
                "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel("levenshtein(dob_l, dob_r) = 1", label_for_charts="one digit off"),
            # 1985 written 1958, 12 written 21: two neighbouring digits swapped.
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="two digits transposed"),
            # The day written wrong by more than one digit (28 for 30): same year and month.
            cll.CustomLevel(
                "dob_year_l = dob_year_r AND dob_month_l = dob_month_r", label_for_charts="same month, another day"
            ),
            cll.CustomLevel(
                "abs(dob_year_l - dob_year_r) <= 1 AND dob_month_l = dob_month_r AND dob_day_l = dob_day_r",
                label_for_charts="year off by one",
            ),
            cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 2", label_for_charts="within two years"),
            # Years apart, yet the same service number: an identifier outweighs a clerk's wrong date.
            cll.CustomLevel(
                "service_number_l = service_number_r", label_for_charts="dates conflict, same service number"
            ).configure(m_probability=0.01, fix_m_probability=True),
            # More than two years apart: brothers and namesakes. A fixed, strongly negative weight.
            cll.ElseLevel().configure(m_probability=VETO_M, fix_m_probability=True),
        ],
    )


def _weak(name: str, column: str, close: Any, else_m: float | None = None) -> cl.CustomComparison:
    """Null, exact, close, else — for a field each side records its own way (``else_m``: fix the else level's m)."""
    other = (
        cll.ElseLevel() if else_m is None else cll.ElseLevel().configure(m_probability=else_m, fix_m_probability=True)
    )
    levels = [cll.NullLevel(column), cll.ExactMatchLevel(column), close, other]
    return cl.CustomComparison(output_column_name=name, comparison_levels=levels)


def comparisons() -> list[Any]:
    """The model's comparisons, in the order explanations list them."""
    return [
        cl.CustomComparison(
            output_column_name="family_name",
            comparison_levels=[
                cll.NullLevel("family_key"),
                cll.ExactMatchLevel("family_key", term_frequency_adjustments=True),
                cll.ExactMatchLevel("family_stem"),
                cll.JaroWinklerLevel("family_key", 0.92),
                cll.JaroWinklerLevel("family_raw", 0.88),
                # Only one part of a double surname written (Петренко-Коваль / Коваль), on one side or both.
                # Both m are fixed at rates EM learned on the generator (0.0066, 0.0021): lists without such
                # slips drive EM to m = 0, which Splink refuses (the stress grid's duplicate-4x cell did).
                cll.CustomLevel(_ONE_PART, label_for_charts="one part of a double surname").configure(
                    m_probability=0.005, fix_m_probability=True
                ),
                # A short surname mistyped (Бик / Бін): one edit on the key, below Jaro-Winkler's reach.
                cll.DamerauLevenshteinLevel("family_key", 1).configure(m_probability=0.002, fix_m_probability=True),
                cll.CustomLevel(_SWAPPED, label_for_charts="given and family names swapped"),
                # Carried by the family name only, so the same evidence is not counted twice. m is fixed at a
                # clerk's error rate: lists without such slips drive EM to m = 0, which would make it a veto.
                cll.CustomLevel(_HALF_SWAPPED, label_for_charts="one name in the other's column").configure(
                    m_probability=0.005, fix_m_probability=True
                ),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="given_name",
            comparison_levels=[
                cll.NullLevel("given_group"),
                cll.ExactMatchLevel("given_group"),
                cll.JaroWinklerLevel("given_key", 0.9),
                cll.JaroWinklerLevel("given_raw", 0.88),
                cll.CustomLevel(_SWAPPED, label_for_charts="given and family names swapped"),
                # Different names, yet the same service number: an identifier outweighs a clerk's wrong name (as
                # for dates below); twins and brothers have numbers of their own.
                cll.CustomLevel(
                    f"{_BOTH_KNOWN} AND service_number_l = service_number_r",
                    label_for_charts="different known names, same service number",
                ).configure(m_probability=0.01, fix_m_probability=True),
                # Two different recognised given names: twins and brothers. Fixed, strongly negative.
                cll.CustomLevel(
                    _BOTH_KNOWN,
                    label_for_charts="two different known names",
                ).configure(m_probability=VETO_M, fix_m_probability=True),
                cll.ElseLevel(),
            ],
        ),
        cl.CustomComparison(
            output_column_name="patronymic",
            comparison_levels=[
                cll.NullLevel("patronymic_group"),
                cll.ExactMatchLevel("patronymic_group"),
                # A clerk's error rate; EM alone drives it to 0 when the sample holds no such match.
                cll.ElseLevel().configure(m_probability=0.03, fix_m_probability=True),
            ],
        ),
        _dob(),
        cl.CustomComparison(
            output_column_name="service_number",
            comparison_levels=[
                cll.NullLevel("service_number"),
                cll.ExactMatchLevel("service_number"),
                # One digit mistyped or two neighbours transposed (4086030 / 4086300): a clerk's commonest slips.
                cll.DamerauLevenshteinLevel("service_number", 1),
                # EM can drive this to exactly 0 when no match in the sample disagrees (Splink then refuses the
                # model); fixed at a clerk's error rate instead.
                cll.ElseLevel().configure(m_probability=0.02, fix_m_probability=True),
            ],
        ),
        # Each side writes these its own way: their levels' weights are capped (training.cap_weak_fields).
        _weak("place_of_birth", "place_key", cll.JaroWinklerLevel("place_key", 0.9)),
        _weak("military_unit", "unit_key", cll.DamerauLevenshteinLevel("unit_key", 1)),
        _weak(
            "mother_maiden_name",
            "mother_key",
            cll.JaroWinklerLevel("mother_key", 0.88).configure(m_probability=0.01, fix_m_probability=True),
            # Where lists write the mother's name alike, EM drives a disagreement's m to 0 (Splink refuses it).
            else_m=0.25,
        ),
    ]


def settings(link_type: LinkType, prior: float = 1e-4) -> SettingsCreator:
    """Settings for ``link_only`` (two lists), ``dedupe_only`` (one list) or ``link_and_dedupe``."""
    return SettingsCreator(
        link_type=link_type,
        probability_two_random_records_match=prior,
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=20,
    )
