"""Matching tracing requests for children against the other side's records: a linkage model of its own.

Why not the main model: a deported child's record on the other side often carries another surname (adoption, a
new family), a Russified given name (Олександр → Александр, already one group of the names engine) and a birth
date moved by a year or so. The main model vetoes dates years apart and needs the surname in most blocking rules;
here a surname disagreement is weak evidence (never a veto), the date tolerates ±1 year and a day-month swap, and
what a new family cannot change — where the child was born, the mother's maiden name, the father's and the
guardians' names — carries the match. Blocking never needs the surname.

Pure: rows in the canonical columns go in, per request its best candidates with probabilities and per-field
explanations come out. No database; callers store the proposals (``unforgotten.tracing.matching``). Nothing here
decides a match: every proposal goes to a reviewer.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from unforgotten.errors import InputError, Text
from unforgotten.linkage.backend import Backend, open_backend
from unforgotten.linkage.explain import Explainer, FieldExplanation
from unforgotten.linkage.features import features
from unforgotten.linkage.training import settle
from unforgotten.names import given_name_group, surname_stem_key

__all__ = [
    "CHILD_BLOCKING_RULES",
    "CHILD_MIN_ESTIMATE",
    "CHILD_OVERLAP",
    "CHILD_PER_REQUEST",
    "CHILD_REVIEW_FLOOR",
    "CHILD_THRESHOLD",
    "CHILD_WEAK_FIELDS",
    "ChildCandidate",
    "ChildMatchResult",
    "child_features",
    "child_settings",
    "estimate_child_model",
    "match_children",
]

# Chosen on the tracing bench (docs/benchmarks.md, all seeds and both surname-change settings): a candidate at or
# above it is a *proposal*; from the floor up it is shown to the reviewer as a weaker candidate. Neither is ever
# accepted without a reviewer.
CHILD_THRESHOLD = 0.5
CHILD_REVIEW_FLOOR = 0.05
CHILD_PER_REQUEST = 3  # a namesake-rich name cannot flood the mediator's queue
# Share of the requested children expected among the other side's records: the children's prior (the chance two
# random records are one child) is this times the requests, over all request-record pairs.
CHILD_OVERLAP = 0.5
# Below this many rows in the smaller list EM has too few pairs: the parameters written below (the children's
# prior) are used as they are; from here up u is sampled and m re-estimated on the lists themselves.
CHILD_MIN_ESTIMATE = 300
# No level of these may count below a Bayes factor of 1/4 (-2 bits): a new family changes the surname, and each
# side writes places and parents its own way; their disagreement is never a veto.
CHILD_WEAK_FIELDS = ("family_name", "place_of_birth", "mother_maiden_name", "father_name", "guardian")
_WEAK_FLOOR = 0.25
_VETO_M = 1e-5  # births more than two years apart: not the same child, whatever else agrees
_SIBLING_M = 1e-12  # two different recognised given names (the main model's veto, linkage.model.VETO_M)

CHILD_COLUMNS = ("sex", "father_key", "guardian_key")
# Both given names are in the lexicon (an unknown one's group is its key with a "~" prefix).
_BOTH_KNOWN = "NOT starts_with(given_group_l, '~') AND NOT starts_with(given_group_r, '~')"

CHILD_BLOCKING_RULES = (
    block_on("given_group", "dob_year"),
    block_on("place_key", "dob_year"),
    block_on("given_group", "place_key"),
    block_on("mother_key"),
    block_on("father_key", "given_group"),
    block_on("guardian_key"),
    block_on("family_key", "given_group"),
    block_on("dob", "sex"),
)
_TRAINING_RULES = (
    block_on("given_group", "dob_year"),
    block_on("place_key", "dob_year"),
    block_on("mother_key"),
)


def _text(row: Mapping[str, object], column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


@lru_cache(maxsize=1 << 14)
def _father(text: str) -> str | None:
    """The father's given-name group (Петро = Пётр); an unknown name its first word's stem key."""
    words = text.replace(",", " ").split()
    for word in words:
        group = given_name_group(word)
        if group is not None:
            return group
    return (surname_stem_key(words[0]) or None) if words else None


@lru_cache(maxsize=1 << 14)
def _guardian(text: str) -> str | None:
    """The guardian's surname stem: the first word that is not a known given name ("Петро Коваленко" → kovalenk)."""
    for word in text.replace(",", " ").split():
        if given_name_group(word) is None and len(word) > 2:
            return surname_stem_key(word) or None
    return None


def _sex(text: str) -> str | None:
    first = text[:1].upper()
    return {"M": "M", "Ч": "M", "F": "F", "Ж": "F", "W": "F"}.get(first)


def child_features(rows: Iterable[Mapping[str, object]], *, id_prefix: str = "") -> pd.DataFrame:
    """The main model's features plus sex, the father's name group and the guardian's surname key.

    Args:
        rows: Rows in the canonical columns; a ``guardians`` column (the tracing request's) is read when present.
        id_prefix: Keeps two lists' ids apart.
    """
    listed = list(rows)
    frame = features(listed, id_prefix=id_prefix)
    frame["sex"] = [_sex(_text(row, "sex")) for row in listed]
    frame["father_key"] = [_father(_text(row, "father_name")) for row in listed]
    frame["guardian_key"] = [_guardian(_text(row, "guardians") or _text(row, "next_of_kin")) for row in listed]
    return frame


def _level(level: Any, m: float, u: float, *, fix_m: bool = False, label: str | None = None) -> Any:
    """A level with the children's prior m and u (and a reviewer-readable label)."""
    if label is not None:
        level = level.configure(label_for_charts=label)
    return level.configure(m_probability=m, u_probability=u, fix_m_probability=fix_m)


def _comparisons() -> list[Any]:
    """Comparisons with the children's prior parameters (m, u) written in: used as they are on small lists."""
    return [
        cl.CustomComparison(
            output_column_name="family_name",
            comparison_levels=[
                cll.NullLevel("family_key"),
                _level(cll.ExactMatchLevel("family_key"), 0.55, 0.002, label="same"),
                _level(cll.ExactMatchLevel("family_stem"), 0.05, 0.001, label="same stem"),
                _level(cll.JaroWinklerLevel("family_key", 0.92), 0.05, 0.01, label="similar"),
                # A new family's surname: weak evidence, capped at -2 bits (CHILD_WEAK_FIELDS).
                _level(cll.ElseLevel(), 0.35, 0.987, label="differs (weak)"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="given_name",
            comparison_levels=[
                cll.NullLevel("given_group"),
                # Олександр = Александр = Oleksandr: one group of the names engine.
                _level(cll.ExactMatchLevel("given_group"), 0.85, 0.03, label="same name group"),
                _level(cll.JaroWinklerLevel("given_key", 0.9), 0.08, 0.02, label="similar"),
                _level(cll.JaroWinklerLevel("given_raw", 0.88), 0.03, 0.02, label="similar as written"),
                # Two different names the lexicon knows: a sibling or a twin. A veto, as in the main model: the
                # family's fields (surname, parents, place) are the same for siblings and count together up to
                # +26 bits, which a merely strong negative (tried: m = 1e-4, -13 bits) did not outweigh — a sister
                # was proposed at 0.55. The price: a child renamed (not Russified) by a new family is not found.
                _level(
                    cll.CustomLevel(_BOTH_KNOWN, label_for_charts="two different known names"),
                    _SIBLING_M,
                    0.9,
                    fix_m=True,
                ),
                _level(cll.ElseLevel(), 0.01, 0.03, fix_m=True, label="another name"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.NullLevel("dob"),
                _level(cll.CustomLevel("dob_l = dob_r AND length(dob_l) = 10", label_for_charts="exact"), 0.55, 5e-4),
                _level(
                    cll.CustomLevel(
                        "(length(dob_l) < 10 OR length(dob_r) < 10) "
                        "AND (starts_with(dob_l, dob_r) OR starts_with(dob_r, dob_l))",
                        label_for_charts="partial date agrees",
                    ),
                    0.05,
                    0.005,
                ),
                _level(
                    cll.CustomLevel(
                        "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
                        label_for_charts="day and month swapped",
                    ),
                    0.03,
                    2e-4,
                ),
                _level(
                    cll.CustomLevel(
                        "abs(dob_year_l - dob_year_r) <= 1 AND dob_month_l = dob_month_r AND dob_day_l = dob_day_r",
                        label_for_charts="year off by one",
                    ),
                    0.15,
                    1e-3,
                ),
                _level(cll.CustomLevel("levenshtein(dob_l, dob_r) = 1", label_for_charts="one digit off"), 0.04, 0.005),
                _level(
                    cll.CustomLevel(
                        "dob_year_l = dob_year_r AND dob_month_l = dob_month_r", label_for_charts="same month"
                    ),
                    0.03,
                    0.005,
                ),
                _level(
                    cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 1", label_for_charts="within a year"), 0.1, 0.15
                ),
                _level(
                    cll.CustomLevel("abs(dob_year_l - dob_year_r) <= 2", label_for_charts="within two years"),
                    0.01,
                    0.12,
                    fix_m=True,
                ),
                _level(cll.ElseLevel(), _VETO_M, 0.6, fix_m=True, label="years apart"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_levels=[
                cll.NullLevel("sex"),
                _level(cll.ExactMatchLevel("sex"), 0.99, 0.5, label="same"),
                _level(cll.ElseLevel(), 0.005, 0.5, fix_m=True, label="differs"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="place_of_birth",
            comparison_levels=[
                cll.NullLevel("place_key"),
                _level(cll.ExactMatchLevel("place_key"), 0.6, 0.03, label="same"),
                _level(cll.JaroWinklerLevel("place_key", 0.88), 0.25, 0.02, label="similar"),
                _level(cll.ElseLevel(), 0.15, 0.95, label="differs"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="mother_maiden_name",
            comparison_levels=[
                cll.NullLevel("mother_key"),
                _level(cll.ExactMatchLevel("mother_key"), 0.8, 0.001, label="same"),
                _level(cll.JaroWinklerLevel("mother_key", 0.88), 0.1, 0.003, label="similar"),
                _level(cll.ElseLevel(), 0.1, 0.996, label="differs"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="father_name",
            comparison_levels=[
                cll.NullLevel("father_key"),
                _level(cll.ExactMatchLevel("father_key"), 0.85, 0.04, label="same name group"),
                _level(cll.ElseLevel(), 0.15, 0.96, label="differs"),
            ],
        ),
        cl.CustomComparison(
            output_column_name="guardian",
            comparison_levels=[
                cll.NullLevel("guardian_key"),
                _level(cll.ExactMatchLevel("guardian_key"), 0.5, 0.001, label="same surname"),
                _level(cll.ElseLevel(), 0.5, 0.999, label="differs"),
            ],
        ),
    ]


def child_prior(n_requests: int, n_records: int) -> float:
    """The chance that a random request-record pair is one child: :data:`CHILD_OVERLAP` of the requests found."""
    pairs = max(float(n_requests) * float(n_records), 1.0)
    return min(0.5, max(CHILD_OVERLAP * min(n_requests, n_records), 1.0) / pairs)


def child_settings(n_requests: int = 1000, n_records: int = 1000) -> SettingsCreator:
    """Splink settings of the children's model (link requests to records only; never within one list)."""
    return SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=child_prior(n_requests, n_records),
        unique_id_column_name="unique_id",
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=list(CHILD_BLOCKING_RULES),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=20,
    )


def _cap(splink_settings: dict[str, Any]) -> dict[str, Any]:
    """Keep every level of :data:`CHILD_WEAK_FIELDS` at a Bayes factor of at least 1/4, whatever EM learned."""
    for comparison in splink_settings["comparisons"]:
        if comparison["output_column_name"] not in CHILD_WEAK_FIELDS:
            continue
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if not level.get("is_null_level") and m is not None and u is not None and m < _WEAK_FLOOR * u:
                level["m_probability"] = min(1.0, _WEAK_FLOOR * u)
    return splink_settings


def _fill(target: dict[str, Any], prior: dict[str, Any]) -> None:
    """Levels the data left without m or u take the prior's (matched by comparison and level position)."""
    by_name = {c["output_column_name"]: c for c in prior["comparisons"]}
    for comparison in target["comparisons"]:
        old = by_name[comparison["output_column_name"]]
        for level, before in zip(comparison["comparison_levels"], old["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability"):
                if level.get(key) is None and before.get(key) is not None:
                    level[key] = before[key]


def _prior_dict(backend: Backend, n_requests: int, n_records: int) -> dict[str, Any]:
    return child_settings(n_requests, n_records).create_settings_dict(backend.engine)


def estimate_child_model(
    requests: pd.DataFrame, records: pd.DataFrame, *, seed: int = 1, backend: Backend | None = None
) -> dict[str, Any]:
    """The children's model for these two lists: u by seeded random sampling and m by EM on them when the smaller
    holds :data:`CHILD_MIN_ESTIMATE` rows, else the prior's parameters; weak fields capped either way.

    Deterministic: the frames are ordered by record id before anything is sampled, and every sample is seeded.

    Returns:
        Splink's settings dictionary, with ``trained_on`` saying whether the prior was kept.
    """
    own = backend is None
    active = backend or open_backend()
    left = requests.sort_values("record_id", kind="stable").reset_index(drop=True)
    right = records.sort_values("record_id", kind="stable").reset_index(drop=True)
    try:
        prior = _prior_dict(active, len(left), len(right))
        if min(len(left), len(right)) < CHILD_MIN_ESTIMATE:
            out = copy.deepcopy(prior)
            out["trained_on"] = {"rows": [len(left), len(right)], "prior_kept": True}
            return _cap(out)
        with active.errors(Text("estimating the children's model")):
            tables = active.register([left, right])
            linker = active.linker(tables, child_settings(len(left), len(right)))
            linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
            learned = True
            for rule in _TRAINING_RULES:
                try:
                    linker.training.estimate_parameters_using_expectation_maximisation(
                        rule, fix_probability_two_random_records_match=True
                    )
                except ValueError as error:  # no pairs under a rule to learn m from: the prior's m stays
                    if "below the minimum allowed value" not in str(error):
                        raise
                    learned = False
            trained: dict[str, Any] = linker.misc.save_model_to_json()
        _fill(trained, prior)
        trained.pop("linker_uid", None)
        settle(trained, prior)
        trained["trained_on"] = {"rows": [len(left), len(right)], "prior_kept": False, "em_complete": learned}
        return _cap(trained)
    finally:
        if own:
            active.close()


@dataclass(frozen=True)
class ChildCandidate:
    """One record proposed for one request.

    Attributes:
        request_id: The request's record id.
        record_id: The other side's record id.
        probability: Match probability under the children's model.
        rank: 1 for the request's best candidate.
        proposed: At or above the threshold (a proposal); else a weaker candidate of the review band.
        explanation: Per field, the comparison level and its weight; with the prior they add up to the probability.
    """

    request_id: str
    record_id: str
    probability: float
    rank: int
    proposed: bool
    explanation: dict[str, FieldExplanation] = field(default_factory=dict)


@dataclass
class ChildMatchResult:
    candidates: list[ChildCandidate]
    settings: dict[str, Any]
    threshold: float
    floor: float
    candidate_pairs: int = 0

    def proposals(self) -> list[ChildCandidate]:
        """The best candidate of each request, where it reaches the threshold."""
        return [c for c in self.candidates if c.proposed]


def _check_ids(frame: pd.DataFrame, what: str) -> None:
    ids = frame["record_id"]
    if ids.isna().any() or (ids == "").any():
        raise InputError(Text("{what}: a record has no record_id", what=what), column="record_id")
    if ids.duplicated().any():
        repeated = str(ids[ids.duplicated()].iloc[0])
        raise InputError(
            Text("{what}: record_id {repeated!r} appears twice", what=what, repeated=repeated),
            column="record_id",
            value=repeated,
        )


def match_children(
    requests: Sequence[Mapping[str, object]],
    records: Sequence[Mapping[str, object]],
    *,
    threshold: float = CHILD_THRESHOLD,
    floor: float = CHILD_REVIEW_FLOOR,
    per_request: int = CHILD_PER_REQUEST,
    seed: int = 1,
    settings: dict[str, Any] | None = None,
) -> ChildMatchResult:
    """Each tracing request's best candidates among the other side's records, for a reviewer.

    Args:
        requests: The requests' rows in the canonical columns (``record_id`` unique); ``guardians`` read if present.
        records: The other side's rows.
        threshold: A best candidate at or above it is a proposal.
        floor: Candidates from here up are kept (at most ``per_request`` per request, best first).
        seed: Seed of the estimate's samples.
        settings: A children's model to use instead of estimating one (:func:`estimate_child_model`).

    Returns:
        A :class:`ChildMatchResult`; candidates ordered by request, then best first.

    Examples:
        >>> request = [{"record_id": "c1", "family_name": "Коваленко", "given_name": "Олександр",
        ...             "date_of_birth": "2014-03-12", "place_of_birth": "Херсон", "mother_maiden_name": "Бондар"}]
        >>> record = [{"record_id": "r1", "family_name": "Смирнов", "given_name": "Александр",
        ...            "date_of_birth": "2014-03-12", "place_of_birth": "г. Херсон", "mother_maiden_name": "Бондарь"}]
        >>> [c.record_id for c in match_children(request, record).proposals()]  # doctest: +SKIP
        ['r1']
    """
    left = child_features(requests, id_prefix="L|")
    right = child_features(records, id_prefix="R|")
    _check_ids(left, Text("tracing requests"))
    _check_ids(right, Text("the other side's records"))
    if not len(left) or not len(right):
        return ChildMatchResult([], settings or {}, threshold, floor)
    backend = open_backend()
    try:
        model = settings if settings is not None else estimate_child_model(left, right, seed=seed, backend=backend)
        run = copy.deepcopy(model)
        run.pop("trained_on", None)
        run["link_type"] = "link_only"
        run["probability_two_random_records_match"] = child_prior(len(left), len(right))
        with backend.errors(Text("scoring children's candidate pairs")):
            tables = backend.register([left, right])
            linker = backend.linker(tables, run)
            predictions = linker.inference.predict(threshold_match_probability=min(floor, threshold))
            scored = backend.to_pandas(predictions, scores_only=True)
    finally:
        backend.close()
    explainer = Explainer(run)
    best: dict[str, list[dict[str, Any]]] = {}
    for record in scored.to_dict("records"):
        a, b = str(record["unique_id_l"]), str(record["unique_id_r"])
        if a.startswith("R|"):
            a, b = b, a
        best.setdefault(a[2:], []).append(record | {"_record": b[2:]})
    candidates: list[ChildCandidate] = []
    for request_id in sorted(best):
        ranked = sorted(best[request_id], key=lambda r: (-float(r["match_probability"]), r["_record"]))
        for rank, record in enumerate(ranked[:per_request], start=1):
            probability = float(record["match_probability"])
            candidates.append(
                ChildCandidate(
                    request_id=request_id,
                    record_id=record["_record"],
                    probability=probability,
                    rank=rank,
                    proposed=rank == 1 and probability >= threshold,
                    explanation=explainer.explain(record),
                )
            )
    logging.getLogger(__name__).info("children's matching: %d candidate pairs scored", len(scored))
    return ChildMatchResult(candidates, model, threshold, floor, candidate_pairs=len(scored))
