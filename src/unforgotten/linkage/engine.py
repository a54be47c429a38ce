"""Linking two lists and deduplicating one: features → Splink predict → groups → one-to-one → pairs and persons."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unforgotten.errors import InputError, LinkageError, Text
from unforgotten.linkage.backend import Backend, open_backend
from unforgotten.linkage.explain import Explainer, FieldExplanation
from unforgotten.linkage.features import features
from unforgotten.linkage.model import SMALL_LIST_RULES, SMALL_LISTS
from unforgotten.linkage.resolve import compete, groups, second_entries
from unforgotten.linkage.training import LinkageModel, train_model

__all__ = ["DedupeResult", "LinkResult", "PairLink", "dedupe_list", "link_lists", "score_pairs"]

Row = Mapping[str, str | None]
Progress = Callable[[str], None]
LEFT, RIGHT = "L|", "R|"
# Two entries of one list are grouped as one person only at this probability or above (or the run's threshold, if
# higher). One clerk wrote both, so a list's true duplicates agree closely; at the cross-list threshold, namesakes
# of one town chained into one group and each then linked "via" the other (20k scenario, 3 seeds: false pairs 12 → 1
# and missed pairs 18 → 11 when raised from 0.5 to 0.99; docs/benchmarks.md).
WITHIN_LIST_THRESHOLD = 0.99
PREDICT_CHUNK_ROWS = 100_000  # rows per side of one slice of a run that outgrew DuckDB's memory (see _slices)


@dataclass(frozen=True)
class PairLink:
    """One predicted same-person pair.

    Attributes:
        left_id: Record id in the left list (or the first of two records of one list).
        right_id: Record id in the right list (or the second record).
        score: Match probability, 0..1.
        explanation: Per field, the comparison level and its match weight (``explain=True`` only); the weights and
            the prior add up to the pair's match weight, whose logistic is ``score``.
        via: For a pair not scored itself but linked through a list's own duplicate, that duplicate's record id.
    """

    left_id: str
    right_id: str
    score: float
    explanation: dict[str, FieldExplanation] | None = None
    via: str | None = None


@dataclass
class LinkResult:
    """Pairs between two lists, and how they were found."""

    pairs: list[PairLink]
    threshold: float
    model: LinkageModel
    candidate_pairs: int = 0
    left_groups: dict[str, str] = field(default_factory=dict)
    right_groups: dict[str, str] = field(default_factory=dict)
    suggestions: list[PairLink] = field(default_factory=list)
    """Pairs for a reviewer, never links (``review=`` only): see :func:`link_lists`."""


@dataclass
class DedupeResult:
    """Pairs within one list and each record's cluster (one cluster = one person)."""

    pairs: list[PairLink]
    clusters: dict[str, str]
    threshold: float
    model: LinkageModel
    candidate_pairs: int = 0


def _ids(frame: pd.DataFrame, what: str) -> None:
    record_ids = frame["record_id"]
    if record_ids.isna().any() or (record_ids == "").any():
        row = int(record_ids.isna().idxmax() if record_ids.isna().any() else (record_ids == "").idxmax())
        raise InputError(Text("{what}: a record has no record_id", what=what), row=row + 1, column="record_id")
    duplicated = record_ids[record_ids.duplicated()]
    if len(duplicated):
        raise InputError(
            Text("{what}: record_id {record_id!r} appears twice", what=what, record_id=duplicated.iloc[0]),
            column="record_id",
            value=str(duplicated.iloc[0]),
            hint=Text("each row needs its own record_id"),
        )


def score_pairs(
    backend: Backend,
    frames: Sequence[pd.DataFrame],
    model: LinkageModel,
    link_type: str,
    threshold: float,
    sizes: tuple[int, int | None],
    *,
    broad: bool | None = None,
    term_frequencies: Mapping[str, pd.DataFrame] | None = None,
    rules: Sequence[Any] | None = None,
    pairs_with: str | None = None,
) -> pd.DataFrame:
    """Predict scored candidate pairs at or above ``threshold`` with the model's parameters (no training).

    ``broad`` adds :data:`SMALL_LIST_RULES` (default: when the frames hold at most :data:`SMALL_LISTS` rows in
    all); ``term_frequencies`` are lookups (column → a frame of the value and ``tf_<column>``) to use instead of
    frequencies counted on the frames — when the frames are a sample of a larger population, such as the
    candidates pulled from a space, whose frequencies they would misstate. ``rules`` (Splink blocking rules) are
    added to the model's (the review pass, :data:`~unforgotten.linkage.review.REVIEW_RULES`). ``pairs_with``
    keeps only the pairs that hold a record whose ``unique_id`` starts with it: a new list linked and deduplicated
    with its candidates needs no pair of two candidates, already linked — and those were most of the pairs, since a
    registry holds each person several times.
    """
    args = (backend, frames, model, link_type, threshold, sizes, broad, term_frequencies, rules, pairs_with)
    tries = _tries(frames, link_type)
    for number, chunks in enumerate(tries, start=1):
        try:
            return _score(*args, chunks=chunks)
        except LinkageError as error:
            if "Out of Memory" not in error.message:
                raise
            if number == len(tries) and not backend.lift_memory_limit():
                raise
            logging.getLogger(__name__).info("scoring outgrew DuckDB's memory in %s slices a side", chunks or 1)
    return _score(*args, chunks=tries[-1])


def _tries(frames: Sequence[pd.DataFrame], link_type: str) -> list[int | None]:
    """The slices per side to score in, one try after another while a run outgrows DuckDB's memory (the last is
    tried once more without the limit).

    Why: a 200,000-row list linked into 125,000 candidates and deduplicated with them ran whole within the limit
    (18.9 s), outgrew it in 2×2 slices, and passed in 3×3 (33.8 s) and 4×4 (51.4 s): slices bound memory but
    repeat the set-up, and whether a run fits depends on its largest blocks, not on its rows alone. So the
    cheapest try comes first and each next one halves the slices' rows; the limit is lifted only after all.
    """
    slices = _slices(frames)
    if slices is None:
        return [None]
    if link_type == "dedupe_only" and _sliced_first(frames):
        return [slices, 2 * slices]
    return [None, slices, 2 * slices]


def _score(
    backend: Backend,
    frames: Sequence[pd.DataFrame],
    model: LinkageModel,
    link_type: str,
    threshold: float,
    sizes: tuple[int, int | None],
    broad: bool | None,
    term_frequencies: Mapping[str, pd.DataFrame] | None,
    rules: Sequence[Any] | None,
    pairs_with: str | None,
    *,
    chunks: int | None = None,
) -> pd.DataFrame:
    with backend.errors(Text("scoring candidate pairs")):
        tables = backend.register(frames)
        run_settings = model.settings_for(link_type, *sizes, dialect=backend.engine)
        if broad if broad is not None else sum(len(frame) for frame in frames) <= SMALL_LISTS:
            run_settings["blocking_rules_to_generate_predictions"] += [
                rule.create_blocking_rule_dict(backend.engine) for rule in SMALL_LIST_RULES
            ]
        run_settings["blocking_rules_to_generate_predictions"] += [
            rule.create_blocking_rule_dict(backend.engine) for rule in rules or ()
        ]
        if pairs_with is not None:
            run_settings["blocking_rules_to_generate_predictions"] = [
                _with_record(rule, pairs_with) for rule in run_settings["blocking_rules_to_generate_predictions"]
            ]
        linker = backend.linker(tables, run_settings)
        for column, lookup in (term_frequencies or {}).items():
            registered = backend.register_named(lookup, f"uf_tf_{column}")
            linker.table_management.register_term_frequency_lookup(registered, column)
        predictions = linker.inference.predict(
            threshold_match_probability=threshold,
            warning_mode="never",
            num_chunks_left=chunks,
            num_chunks_right=chunks,
        )
        return backend.to_pandas(predictions, scores_only=True)


def _with_record(rule: dict[str, Any], prefix: str) -> dict[str, Any]:
    """A blocking rule (as a settings dict) that pairs only where one side's id starts with ``prefix``.

    A filter on the rule's join, so Splink compares and scores none of the other pairs; the prefixes are the
    module's own constants, never user data."""
    if not prefix.replace("|", "").isalnum():
        raise ValueError(f"not an id prefix: {prefix!r}")
    condition = f"(l.unique_id LIKE '{prefix}%' OR r.unique_id LIKE '{prefix}%')"
    return {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND {condition}"}


def _sliced_first(frames: Sequence[pd.DataFrame]) -> bool:
    """Whether a run that deduplicates one list alone is sliced from the start: when the list fills a slice.

    Why: a list deduplicated against itself meets each of its large blocks (a surname on thousands of rows) squared,
    and one of 200,000 rows outgrew DuckDB's 600 MB on every run measured (10.7 s and a 639 MB peak sliced from the
    start, against 13.6 s and 822 MB after a failed whole run); two lists linked, 200,000 rows a side, did not,
    and slicing them costs time (2.6 s → 6.9 s at 100,000 × 100,000). Measured on the 200,000-row bench list.
    """
    return len(frames[0]) >= PREDICT_CHUNK_ROWS


def _slices(frames: Sequence[pd.DataFrame]) -> int | None:
    """Into how many slices per side a run that outgrew DuckDB's memory is split (``None``: too small to split).

    Why: scoring runs every blocking rule in one query, a hash table each, and with surnames shared by thousands
    a 200,000-row list outgrew DuckDB's memory limit — then ran again without one, to 1.3 GB. Splink's chunked
    predict scores every pair once, in slices of about :data:`PREDICT_CHUNK_ROWS` rows per side, with the same
    pairs and probabilities; but each slice repeats the run's set-up (2.6 s → 6.9 s for 100,000 × 100,000 in
    2×2 slices), so it is the answer to running out of memory, not the first attempt.
    """
    largest = max((len(frame) for frame in frames), default=0)
    return max(2, -(-largest // PREDICT_CHUNK_ROWS)) if largest >= PREDICT_CHUNK_ROWS // 4 else None


def _within(frame: pd.DataFrame, prefix: str, cut: float) -> list[tuple[str, str]]:
    same = (
        frame["unique_id_l"].str.startswith(prefix)
        & frame["unique_id_r"].str.startswith(prefix)
        & (frame["match_probability"] >= cut)
    )
    return list(zip(frame.loc[same, "unique_id_l"], frame.loc[same, "unique_id_r"], strict=True))


def _strip(unique_id: str) -> str:
    return unique_id[2:]


def link_lists(
    left_rows: Iterable[Row],
    right_rows: Iterable[Row],
    *,
    threshold: float | None = None,
    model: LinkageModel | None = None,
    engine: str = "duckdb",
    explain: bool = False,
    progress: Progress | None = None,
    backend: Backend | None = None,
    review: float | None = None,
) -> LinkResult:
    """Find the entries of two lists that name the same person.

    Args:
        left_rows: Rows of one list in the canonical columns (``record_id`` required and unique).
        right_rows: Rows of the other list.
        threshold: Match probability at or above which a pair is reported (default: the model's).
        model: A trained model; by default one is trained on these two lists without labels (the shipped model
            when the smaller list has fewer than :data:`MIN_TRAINING_ROWS` entries).
        engine: ``"duckdb"`` or ``"spark"``.
        explain: Attach each field's comparison level and match weight to every pair.
        progress: Called with the name of each step as it starts.
        backend: An open backend to use instead of a new one.
        review: Fill ``suggestions``: pairs from this probability up that were not linked (below the threshold,
            or a namesake that lost the one-to-one choice), and for each left entry left without a match its best
            few candidates of a broader second pass (:mod:`unforgotten.linkage.review`). Default: none.

    Returns:
        A :class:`LinkResult`; ``pairs`` include a list's own duplicates of a linked person.

    Raises:
        InputError: a record id is missing or repeated.
        LinkageError: Splink failed (the message carries the failing SQL).

    Examples:
        >>> left = [{"record_id": "a1", "family_name": "Шевченко", "given_name": "Олександр",
        ...          "date_of_birth": "1990-03-15"}]
        >>> right = [{"record_id": "b1", "family_name": "Shevchenko", "given_name": "Aleksandr",
        ...           "date_of_birth": "1990-03-15"}]
        >>> [(p.left_id, p.right_id) for p in link_lists(left, right, model=default_model()).pairs]
        [('a1', 'b1')]
    """
    step = progress or (lambda _name: None)
    step("reading names")
    left = features(left_rows, id_prefix=LEFT)
    right = features(right_rows, id_prefix=RIGHT)
    _ids(left, Text("left list"))
    _ids(right, Text("right list"))
    active = backend or open_backend(engine)
    try:
        if model is None:
            step("training")
            model = _trained_or_shipped(left, right, active)
        cut = model.threshold if threshold is None else threshold
        step("scoring pairs")
        lowest = cut if review is None else min(review, cut)
        scored = score_pairs(active, [left, right], model, "link_and_dedupe", lowest, (len(left), len(right)))
        step("choosing persons")
        result = _resolve_link(scored[scored["match_probability"] >= cut], left, right, model, cut, explain)
        if review is not None:
            step("review suggestions")
            result.suggestions = review_suggestions(active, scored, left, right, result, review, explain=explain)
    finally:
        if backend is None:
            active.close()
    return result


def _crosswise(scored: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The pairs between the two lists, and each pair's left and right record ids (Splink orders them by rule)."""
    cross = scored[scored["unique_id_l"].str[:2] != scored["unique_id_r"].str[:2]]
    flip = cross["unique_id_l"].str.startswith(RIGHT)
    lefts = cross["unique_id_l"].where(~flip, cross["unique_id_r"]).str[2:].tolist()
    rights = cross["unique_id_r"].where(~flip, cross["unique_id_l"]).str[2:].tolist()
    return cross, lefts, rights


def review_suggestions(
    backend: Backend,
    scored: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame,
    result: LinkResult,
    floor: float,
    *,
    explain: bool = False,
    broad: bool | None = None,
) -> list[PairLink]:
    """Pairs for a reviewer, never links: for a left entry that was linked, the first pass's other pairs from
    ``floor`` up (below the threshold, or namesakes that lost the one-to-one choice); for a left entry left without
    a match, its best :data:`~unforgotten.linkage.review.REVIEW_PER_ENTRY` candidates of a second pass with the
    model's rules and :data:`~unforgotten.linkage.review.REVIEW_RULES`, ranked by
    :func:`~unforgotten.linkage.review.review_probabilities` from ``min(floor, REVIEW_FLOOR)`` up. Each carries the
    model's own probability.

    ``scored`` is the first pass (down to ``floor`` at least) and ``left``/``right`` its feature frames; ``broad``
    is the first pass's choice (default: by the two lists' sizes, as :func:`score_pairs` decides).
    """
    ranked = _review_pairs(backend, scored, left, right, result, floor, explain=explain, broad=broad)
    return [pair for pair, _, _ in ranked]


def _review_pairs(
    backend: Backend,
    scored: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame,
    result: LinkResult,
    floor: float,
    *,
    explain: bool = False,
    broad: bool | None = None,
    lowest: float | None = None,
    per_entry: int | None = None,
) -> list[tuple[PairLink, float, int]]:
    """:func:`review_suggestions`, each pair with its rank (the review probability; the model's for first-pass
    pairs) and its place among its entry's second-pass suggestions (-1 for a first-pass pair). ``lowest`` and
    ``per_entry`` replace the second pass's floor and cap (the stress bench weighs others)."""
    from unforgotten.linkage.review import (
        REVIEW_FLOOR,
        REVIEW_PER_ENTRY,
        REVIEW_RULES,
        best_suggestions,
        review_frame,
        review_probabilities,
        second_pass_threshold,
        term_frequency_lookup,
        unmatched,
    )

    explainer = Explainer(result.model.splink_settings) if explain else None
    linked = {(pair.left_id, pair.right_id) for pair in result.pairs}
    alone = unmatched(left["record_id"].astype(str).tolist(), (pair.left_id for pair in result.pairs))
    alone_set = set(alone)
    out: list[tuple[PairLink, float, int]] = []
    first, lefts, rights = _crosswise(scored[scored["match_probability"] >= floor])
    records = first.to_dict("records") if explain else [{}] * len(lefts)
    seen: set[tuple[str, str]] = set()
    for a, b, p, record in zip(lefts, rights, first["match_probability"].tolist(), records, strict=True):
        if a in alone_set or (a, b) in linked or (a, b) in seen:
            continue
        seen.add((a, b))
        out.append((PairLink(a, b, float(p), explainer.explain(record) if explainer is not None else None), p, -1))
    if alone and len(right):
        least = min(floor, REVIEW_FLOOR) if lowest is None else lowest
        subset = left[left["record_id"].astype(str).isin(alone_set)]
        second = score_pairs(
            backend,
            [review_frame(subset), review_frame(right)],
            result.model,
            "link_only",
            second_pass_threshold(least, result.model.splink_settings),  # vetoed pairs too (review_probabilities)
            (len(left), len(right)),
            broad=broad if broad is not None else len(left) + len(right) <= SMALL_LISTS,
            term_frequencies={"family_key": term_frequency_lookup([left, right])},
            rules=REVIEW_RULES,
        )
        cross, lefts, rights = _crosswise(second)
        ranks = review_probabilities(cross, result.model.splink_settings)
        chosen = best_suggestions(
            zip(lefts, rights, ranks, strict=True),
            floor=least,
            per_entry=REVIEW_PER_ENTRY if per_entry is None else per_entry,
        )
        wanted = {(a, b): (rank, place) for a, ranked in chosen.items() for place, (b, rank) in enumerate(ranked)}
        rows = [i for i, pair in enumerate(zip(lefts, rights, strict=True)) if pair in wanted]
        for i, record in zip(rows, cross.iloc[rows].to_dict("records"), strict=True):
            if (lefts[i], rights[i]) in wanted:
                rank, place = wanted.pop((lefts[i], rights[i]))
                explanation = explainer.explain(record) if explainer is not None else None
                out.append(
                    (PairLink(lefts[i], rights[i], float(record["match_probability"]), explanation), rank, place)
                )
    return sorted(out, key=lambda item: (item[0].left_id, -item[0].score, item[0].right_id))


def _resolve_link(
    scored: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, model: LinkageModel, cut: float, explain: bool
) -> LinkResult:
    within_cut = max(cut, WITHIN_LIST_THRESHOLD)
    left_groups = groups(left["unique_id"], _within(scored, LEFT, within_cut))
    right_groups = groups(right["unique_id"], _within(scored, RIGHT, within_cut))
    cross = scored[scored["unique_id_l"].str[:2] != scored["unique_id_r"].str[:2]]
    # Splink orders each pair by its own rule; put the left list's id first.
    flip = cross["unique_id_l"].str.startswith(RIGHT)
    lefts = cross["unique_id_l"].where(~flip, cross["unique_id_r"]).tolist()
    rights = cross["unique_id_r"].where(~flip, cross["unique_id_l"]).tolist()
    probabilities = cross["match_probability"].tolist()

    def triples() -> list[tuple[str, str, float]]:
        return [(left_groups[a], right_groups[b], p) for a, b, p in zip(lefts, rights, probabilities, strict=True)]

    accepted = compete(triples())
    # A list's second entry of a person, written with its own errors, joins its duplicate rather than losing to it
    # (the accepted group pairs stay valid: the loser's entries are renamed into the winner's group).
    for own, prefix, flip in ((right_groups, RIGHT, False), (left_groups, LEFT, True)):
        close = [(own[a], own[b]) for a, b in _within(scored, prefix, cut)]
        scored_groups = [(gr, gl, p) for gl, gr, p in triples()] if flip else triples()
        won = [(gr, gl) for gl, gr in accepted] if flip else list(accepted)
        joins = second_entries(won, scored_groups, close)
        for member, group in own.items():
            own[member] = joins.get(group, group)
    explainer = Explainer(model.splink_settings) if explain else None
    direct: dict[tuple[str, str], PairLink] = {}
    group_score: dict[tuple[str, str], float] = {}
    records = cross.to_dict("records") if explain else [{}] * len(lefts)
    for a, b, p, record in zip(lefts, rights, probabilities, records, strict=True):
        key = (left_groups[a], right_groups[b])
        if key not in accepted:
            continue
        group_score[key] = max(group_score.get(key, 0.0), p)
        explanation = explainer.explain(record) if explainer is not None else None
        direct[(a, b)] = PairLink(_strip(a), _strip(b), float(p), explanation)
    pairs = list(direct.values())
    members_left = _members(left_groups)
    members_right = _members(right_groups)
    through: dict[tuple[str, str], tuple[str, str]] = {}
    for a, b in direct:
        through.setdefault((left_groups[a], right_groups[b]), (a, b))
    for (gl, gr), (a0, b0) in sorted(through.items()):
        lefts_in, rights_in = members_left[gl], members_right[gr]
        if len(lefts_in) == 1 and len(rights_in) == 1:
            continue  # the usual case: one entry each side, already a direct pair
        for a in lefts_in:
            for b in rights_in:
                if (a, b) not in direct:
                    via = a0 if a0 != a else b0
                    pairs.append(PairLink(_strip(a), _strip(b), group_score[(gl, gr)], None, _strip(via)))
    pairs.sort(key=lambda pair: (pair.left_id, pair.right_id))
    return LinkResult(
        pairs=pairs,
        threshold=cut,
        model=model,
        candidate_pairs=len(scored),
        left_groups={_strip(k): _strip(v) for k, v in left_groups.items()},
        right_groups={_strip(k): _strip(v) for k, v in right_groups.items()},
    )


def _members(grouping: Mapping[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for member, group in grouping.items():
        out.setdefault(group, []).append(member)
    return out


def dedupe_list(
    rows: Iterable[Row],
    *,
    threshold: float | None = None,
    model: LinkageModel | None = None,
    engine: str = "duckdb",
    explain: bool = False,
    progress: Progress | None = None,
) -> DedupeResult:
    """Find the entries of one list that name the same person, and cluster them into persons.

    Args:
        rows: Rows in the canonical columns (``record_id`` required and unique).
        threshold: Match probability at or above which two entries are the same person (default: the model's).
        model: A trained model; by default one is trained on this list without labels (the shipped model when
            it has fewer than :data:`MIN_TRAINING_ROWS` entries).
        engine: ``"duckdb"`` or ``"spark"``.
        explain: Attach each field's comparison level and match weight to every pair.
        progress: Called with the name of each step as it starts.

    Returns:
        A :class:`DedupeResult`; a record with no duplicate is its own cluster, named by its record id, and a
        cluster's id is the smallest record id in it.

    Raises:
        InputError: a record id is missing or repeated.
        LinkageError: Splink failed (the message carries the failing SQL).
    """
    step = progress or (lambda _name: None)
    step("reading names")
    frame = features(rows, id_prefix=LEFT)
    _ids(frame, Text("list"))
    backend = open_backend(engine)
    try:
        if model is None:
            step("training")
            model = _trained_or_shipped(frame, None, backend)
        cut = model.threshold if threshold is None else threshold
        step("scoring pairs")
        scored = score_pairs(backend, [frame], model, "dedupe_only", cut, (len(frame), None))
    finally:
        backend.close()
    step("clustering")
    explainer = Explainer(model.splink_settings) if explain else None
    records: list[dict[str, Any]] = scored.to_dict("records")
    pairs = [
        PairLink(
            _strip(str(r["unique_id_l"])),
            _strip(str(r["unique_id_r"])),
            float(r["match_probability"]),
            explainer.explain(r) if explainer is not None else None,
        )
        for r in records
    ]
    clusters = groups(frame["record_id"].astype(str), ((p.left_id, p.right_id) for p in pairs))
    return DedupeResult(pairs=pairs, clusters=clusters, threshold=cut, model=model, candidate_pairs=len(scored))


MIN_TRAINING_ROWS = 500
"""Below this many entries (in the smaller list) EM has too few pairs to learn from: the shipped model is used."""


def _trained_or_shipped(left: pd.DataFrame, right: pd.DataFrame | None, backend: Backend) -> LinkageModel:
    smaller = len(left) if right is None else min(len(left), len(right))
    if smaller < MIN_TRAINING_ROWS:
        return default_model()
    return train_model(left, right, backend=backend)


def default_model() -> LinkageModel:
    """The model shipped with Unforgotten, trained without labels on the synthetic benchmark (see docs)."""
    from importlib.resources import files

    return LinkageModel.load(str(files("unforgotten.linkage") / "data" / "default_model.json"))
