"""Review suggestions for the request entries the threshold leaves without a match: a second, broader candidate pass.

Why: most true pairs missed at the threshold are never compared at all — the prediction rules need an exact surname
key, or its head, with a date or a patronymic, and a surname mistyped near its start together with a missing or
wrong date falls through every rule (the stress grid, docs/benchmarks.md). Broader rules for every entry would
multiply the candidate pairs; for the few entries left without a match they cost little. Their pairs are scored
with the same model and prior as the first pass, so a probability means the same in both; an entry's best few
above :data:`REVIEW_FLOOR` go to a reviewer and are never linked automatically.

Pure: the rules, the extra keys they join on, and the choice of suggestions from scored pairs. Scoring is the
caller's (:func:`~unforgotten.linkage.engine.score_pairs` with ``rules=REVIEW_RULES``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd
from splink import block_on
from splink.blocking_rule_library import CustomRule

__all__ = [
    "REVIEW_COLUMNS",
    "REVIEW_FLOOR",
    "REVIEW_LENIENT",
    "REVIEW_PER_ENTRY",
    "REVIEW_RULES",
    "best_suggestions",
    "review_frame",
    "review_probabilities",
    "second_pass_threshold",
    "term_frequency_lookup",
]

# An entry left without a match gets at most this many suggestions (its best-ranked candidates): a namesake-rich name
# cannot flood the queue. Stress grid, seed 11: a third suggestion per entry caught no further true pair.
REVIEW_PER_ENTRY = 2
# For an entry left without a match, candidates from here up (by review_probabilities) are suggested. Stress grid,
# seed 11 (docs/benchmarks.md): 84% of the missed true pairs with at most 4.7% of a list's entries suggested; 1e-6
# would catch 87% but suggest up to 6.4%, above issue 10's 5%.
REVIEW_FLOOR = 1e-4

# Comparisons whose veto levels (m fixed at VETO_M) count as 0 bits when the review pass ranks an entry's candidates:
# a given name mistyped into another known name (Ярослав / Ярсолав, Ілля / лИья) or a given name the lexicon took for
# a surname and swapped (Степань Мкасим) is vetoed as twins are; for an entry nothing else matched, a reviewer
# should see it. The date's veto stays: brothers and namesakes born years apart would flood the queue.
REVIEW_LENIENT = ("given_name",)

# Extra keys of the second pass, made from the feature columns (see review_frame).
REVIEW_COLUMNS = ("family_initial", "family_sorted", "family_tail", "given_initial")

# Each rule needs two independent agreements — never one name alone, whose blocks grow with the square of a common
# surname's count — and none needs both the exact surname key and the full date, which the first pass requires
# of one or the other.
REVIEW_RULES = (
    # The given name wrong or another's (Мельненко Яким / Melnenko Alim) and no date: surname and patronymic.
    block_on("family_key", "patronymic_group"),
    # One letter of a surname changed (Антонев / Аитонев) and nothing but the given name to go on: the surname's
    # first letter and last four, with the given name.
    block_on("family_initial", "family_tail", "given_group"),
    # The date alone: names mangled beyond their keys (swapped and mistyped, a full name split wrongly).
    block_on("dob"),
    # No date on one side: given name and patronymic, with the surname's first letter (a typo after it).
    block_on("given_group", "patronymic_group", "family_initial"),
    # The surname's letters in another order (Бикчук / Бичкук), with the given name.
    block_on("family_sorted", "given_group"),
    # A typo in the surname's head: its tail, given name and birth year.
    block_on("family_tail", "given_group", "dob_year"),
    # The day (or the year) written wrong and the surname mistyped: given name with year and month, or with
    # month and day.
    block_on("given_group", "dob_year", "dob_month"),
    block_on("given_group", "dob_month", "dob_day"),
    # The given name mistyped or unknown to the lexicon: surname head, the given name's initial and birth year.
    block_on("family_head", "given_initial", "dob_year"),
    # Patronymic and birth year and month, with the surname's initial: both names mistyped.
    block_on("patronymic_group", "family_initial", "dob_year", "dob_month"),
    # One name in the other's column on one side, with the birth year.
    CustomRule("l.family_key = r.given_key AND l.dob_year = r.dob_year"),
    CustomRule("l.given_key = r.family_key AND l.dob_year = r.dob_year"),
)


def _initial(value: object) -> str | None:
    return value[:1] if isinstance(value, str) and value else None


def _sorted(value: object) -> str | None:
    return "".join(sorted(value)) if isinstance(value, str) and len(value) >= 4 else None


def _tail(value: object) -> str | None:
    return value[-4:] if isinstance(value, str) and len(value) >= 5 else None


def review_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a feature frame with the keys of :data:`REVIEW_RULES` added (:data:`REVIEW_COLUMNS`)."""
    out = frame.copy()
    family = out["family_key"].tolist()
    out["family_initial"] = [_initial(v) for v in family]
    out["family_sorted"] = [_sorted(v) for v in family]
    out["family_tail"] = [_tail(v) for v in family]
    out["given_initial"] = [_initial(v) for v in out["given_key"].tolist()]
    return out


def term_frequency_lookup(frames: Iterable[pd.DataFrame], column: str = "family_key") -> pd.DataFrame:
    """Each value's share of ``column`` over the frames, as Splink counts it (missing values left out).

    The second pass scores a subset of one list; this keeps a surname's weight the one the first pass gave it.
    """
    values = pd.concat([frame[column] for frame in frames], ignore_index=True).dropna()
    counts = values.value_counts()
    total = max(int(counts.sum()), 1)
    return pd.DataFrame({column: counts.index.astype(str), f"tf_{column}": (counts / total).to_numpy()})


def review_probabilities(scored: pd.DataFrame, splink_settings: Mapping[str, Any]) -> list[float]:
    """Each scored pair's probability with the veto levels of :data:`REVIEW_LENIENT` counted as 0 bits — the
    review pass's ranking, never a pair's reported probability (which stays the model's)."""
    from unforgotten.linkage.explain import probability_from_weight

    weights = scored["match_weight"].astype(float).to_numpy().copy()
    for name, gamma, _ in _vetoes(splink_settings):
        if f"gamma_{name}" in scored:
            hit = (scored[f"gamma_{name}"] == gamma).to_numpy()
            weights[hit] -= scored[f"mw_{name}"].astype(float).to_numpy()[hit]
    return [probability_from_weight(float(w)) for w in weights]


def _vetoes(splink_settings: Mapping[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(comparison, gamma, level) of each veto level of :data:`REVIEW_LENIENT`."""
    from unforgotten.linkage.model import VETO_M

    out = []
    for comparison in splink_settings["comparisons"]:
        name = comparison["output_column_name"]
        if name not in REVIEW_LENIENT:
            continue
        non_null = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for position, level in enumerate(non_null):
            m = level.get("m_probability")
            if level.get("fix_m_probability") and m is not None and m <= VETO_M:
                out.append((name, len(non_null) - 1 - position, level))  # Splink numbers levels from the top
    return out


def second_pass_threshold(floor: float, splink_settings: Mapping[str, Any]) -> float:
    """The lowest model probability whose :func:`review_probabilities` can still reach ``floor``: the second pass
    reads back only the pairs above it (0 when a veto's weight is unknown)."""
    weight = math.log2(floor / (1.0 - floor))
    for _, _, level in _vetoes(splink_settings):
        m, u = level.get("m_probability"), level.get("u_probability")
        if not m or not u:
            return 0.0
        weight += math.log2(float(m) / float(u))
    from unforgotten.linkage.explain import probability_from_weight

    return probability_from_weight(weight - 1.0)  # a bit of margin for rounding


Candidate = TypeVar("Candidate", bound=Hashable)


def best_suggestions(
    scored: Iterable[tuple[str, Candidate, float]],
    *,
    floor: float = REVIEW_FLOOR,
    per_entry: int = REVIEW_PER_ENTRY,
    exclude: Mapping[str, Iterable[Candidate]] | None = None,
) -> dict[str, list[tuple[Candidate, float]]]:
    """Each entry's best ``per_entry`` candidates at ``floor`` or above, most probable first.

    Args:
        scored: (entry, candidate, probability) triples; a candidate seen twice for an entry keeps its best score
            (a person with two entries is one suggestion).
        floor: Lowest probability suggested.
        per_entry: Most suggestions per entry.
        exclude: Candidates not to suggest for an entry (those already suggested, or linked).

    Returns:
        Entry → [(candidate, probability)], only for entries with at least one suggestion.
    """
    best: dict[str, dict[Candidate, float]] = defaultdict(dict)
    for entry, candidate, p in scored:
        if p >= floor and p > best[entry].get(candidate, -1.0):
            best[entry][candidate] = p
    out: dict[str, list[tuple[Candidate, float]]] = {}
    for entry, found in best.items():
        skip = set((exclude or {}).get(entry, ()))
        ranked = sorted(((c, p) for c, p in found.items() if c not in skip), key=lambda item: (-item[1], str(item[0])))
        if ranked:
            out[entry] = ranked[:per_entry]
    return out


def unmatched(entries: Sequence[str], matched: Iterable[str]) -> list[str]:
    """The entries, in order, that are not among ``matched``."""
    done = set(matched)
    return [entry for entry in entries if entry not in done]
