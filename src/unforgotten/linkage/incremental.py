"""Linking a new list into the persons already known, without retraining and without renumbering anyone.

Why this shape (splink #820, #1112 ask for it): existing persons are fixed groups of records with ids the
database already uses. New entries are first grouped among themselves (a list may name a person twice); each
group then competes one-to-one for an existing person; a group that wins none becomes a new person. Nothing
about an existing person changes unless a new entry joins it, so ids stay stable by construction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from unforgotten.errors import InputError, Text
from unforgotten.linkage.backend import open_backend
from unforgotten.linkage.engine import WITHIN_LIST_THRESHOLD, score_pairs
from unforgotten.linkage.explain import Explainer
from unforgotten.linkage.features import features
from unforgotten.linkage.model import SMALL_LISTS
from unforgotten.linkage.resolve import compete, groups, second_entries
from unforgotten.linkage.training import DEFAULT_REVIEW_FLOOR, LinkageModel

__all__ = ["Assignment", "link_incremental", "link_into_persons"]

Row = Mapping[str, object]
NEW, OLD = "N|", "E|"


@dataclass
class Assignment:
    """Where one new entry goes.

    Attributes:
        record_id: The new entry's record id.
        person_id: The existing person it joins, or ``None`` for a new person.
        cluster: New entries with the same cluster and no ``person_id`` are one new person (the smallest record id
            of the group names it).
        probability: Match probability of the best pair that put it there (``None`` for a new person).
        explanation: Per field of that pair: ``{"level": ..., "weight": ...}``.
        suggestions: Other existing persons scoring ``lower`` or more, for a reviewer — those below the threshold
            and those above it that lost the one-to-one competition (a namesake) — and, for an entry left without
            a person, its best few of a broader second pass (:mod:`unforgotten.linkage.review`): (person id,
            probability, explanation). Never links.
    """

    record_id: str
    person_id: int | None
    cluster: str
    probability: float | None
    explanation: dict[str, object] = field(default_factory=dict)
    suggestions: list[tuple[int, float, dict[str, object]]] = field(default_factory=list)


def link_incremental(
    new_rows: Sequence[Row],
    existing_persons_rows: Sequence[Row],
    *,
    model: LinkageModel,
    threshold: float | None = None,
    lower: float | None = None,
    engine: str = "duckdb",
    broad: bool | None = None,
    term_frequencies: Mapping[str, pd.DataFrame] | None = None,
    space_size: int | None = None,
    new_features: pd.DataFrame | None = None,
    existing_features: pd.DataFrame | None = None,
    person_ids: Mapping[str, int] | None = None,
) -> list[Assignment]:
    """Assign each new entry to an existing person or to a new one, with a model trained before.

    Args:
        new_rows: One new list's rows in the canonical columns (``record_id`` unique); several lists are linked
            one after the other, each into the persons the previous ones made.
        existing_persons_rows: Rows already linked, each with its ``person_id`` (an integer or its text).
        model: The trained model (no retraining happens here).
        threshold: Match probability to join a person (default: the model's).
        lower: Pairs from here up to ``threshold`` come back as suggestions for review, and so do the best
            :data:`~unforgotten.linkage.review.REVIEW_PER_ENTRY` persons of a second, broader pass for each entry
            left without a person, from ``min(lower, REVIEW_FLOOR)`` up (default: no suggestions). The second pass
            is left out when ``broad`` is ``False``: the existing rows are then a large space's candidates, pulled
            by keys its rules do not use.
        engine: ``"duckdb"`` or ``"spark"``.
        broad: Also block on the rules for small lists (default: when new and existing rows are few, see
            :func:`~unforgotten.linkage.engine.score_pairs`). Give it when ``existing_persons_rows`` are only the
            candidates of a larger space, so the rules follow the space's size, not the sample's.
        term_frequencies: Surname frequencies of the whole space, when ``existing_persons_rows`` are a sample of it.
        space_size: How many entries ``existing_persons_rows`` stand for, when they are a sample: the prior (the
            chance that two random records match) follows the sizes linked, not the sample's.
        new_features: ``features(new_rows)``, when the caller has computed them already (they are the costly part).
        existing_features: ``features(existing_persons_rows)``, likewise.
        person_ids: Each existing row's person by record id, given with ``existing_features`` instead of the rows
            (a large space's candidates: their rows are not kept once their features are made).

    Returns:
        One :class:`Assignment` per new row, in input order.

    Raises:
        InputError: a record id is missing or repeated, or an existing row has no person id.
        LinkageError: Splink failed.

    Examples:
        >>> model = default_model()  # doctest: +SKIP
        >>> [a.person_id for a in link_incremental(new, existing, model=model)]  # doctest: +SKIP
        [17, None]
    """
    if not new_rows and (new_features is None or new_features.empty):
        return []
    upper = model.threshold if threshold is None else threshold
    floor = upper if lower is None else min(lower, upper)
    if new_features is not None:
        fresh = _prefixed(new_features, NEW)
    else:
        fresh = features(new_rows, id_prefix=NEW)
    if existing_features is not None:
        known = _prefixed(existing_features, OLD)
    else:
        known = features(existing_persons_rows, id_prefix=OLD)
    person_of = person_ids if person_ids is not None else _persons(existing_persons_rows)
    if fresh["record_id"].duplicated().any() or (fresh["record_id"] == "").any():
        raise InputError(Text("new entries need unique, non-empty record ids"), column="record_id")
    # The budget only where the existing rows are a large space's candidates (``broad=False``): a smaller space
    # is linked against all its entries with the broad rules, whose blocks outgrew a budget of 350–480 MB, failed
    # and scored again without a limit 15 times in a 20,000-person reconciliation (docs/benchmarks.md)
    backend = open_backend(engine, within_budget=len(known) > 0 and broad is False)
    try:
        frames = [fresh, known] if len(known) else [fresh]
        link_type = "link_and_dedupe" if len(known) else "dedupe_only"
        sizes = (len(fresh), space_size if space_size else (len(known) or None))
        scored = score_pairs(
            backend, frames, model, link_type, floor, sizes, broad=broad, term_frequencies=term_frequencies,
            pairs_with=NEW,  # two existing entries are linked already
        )  # fmt: skip
    finally:
        backend.close()
    explainer = Explainer(model.settings_for(link_type, *sizes))
    within: list[tuple[str, str]] = []
    loose: list[tuple[str, str]] = []  # same person at the threshold, not at the within-list one
    # (new uid, person id, p, row of ``scored``): a pair is explained only if it is shown (see _explained)
    candidates: list[tuple[str, int, float, int]] = []
    lefts, rights = scored["unique_id_l"].astype(str).tolist(), scored["unique_id_r"].astype(str).tolist()
    for row, (a, b, p) in enumerate(zip(lefts, rights, scored["match_probability"].tolist(), strict=True)):
        if a.startswith(NEW) and b.startswith(NEW):
            # New rows are one list's (the contract above): its own duplicates are grouped only at the within-list
            # threshold, or namesakes of one town chain into one group and take each other's persons.
            if p >= max(upper, WITHIN_LIST_THRESHOLD):
                within.append((a, b))
            elif p >= upper:
                loose.append((a, b))
        elif a.startswith(NEW) != b.startswith(NEW):
            new_id, old_id = (a, b) if a.startswith(NEW) else (b, a)
            candidates.append((new_id, person_of[old_id[2:]], float(p), row))
    del lefts, rights
    clusters = groups(fresh["unique_id"], within)
    best: dict[tuple[str, int], tuple[float, str, int]] = {}
    for new_id, person, p, row in candidates:
        key = (clusters[new_id], person)
        if p >= upper and p > best.get(key, (0.0, "", -1))[0]:
            best[key] = (p, new_id, row)
    accepted = dict(compete((cluster, str(person), p) for (cluster, person), (p, _, _) in best.items()))
    # The list's second entry of a person, written with its own errors, joins its duplicate instead of losing to it.
    joins = second_entries(
        [(person, cluster) for cluster, person in accepted.items()],
        [(str(person), cluster, p) for (cluster, person), (p, _, _) in best.items()],
        [(clusters[a], clusters[b]) for a, b in loose],
    )
    for new_id, cluster in clusters.items():
        if cluster in joins:
            clusters[new_id] = joins[cluster]
    assignments = _assignments(fresh["unique_id"].tolist(), clusters, accepted, best, candidates, scored, explainer)
    del scored, candidates
    # The second pass needs every existing entry: the candidates of a large space (broad=False) come from stored keys
    # that its broader rules do not share, and it would see only some of them (docs/linkage.md, "Review suggestions").
    if lower is not None and len(known) and broad is not False:
        _review_pass(
            assignments,
            fresh,
            known,
            person_of,
            model,
            explainer,
            min(lower, upper),
            sizes,
            broad,
            term_frequencies,
            engine,
        )
    return assignments


def _review_pass(
    assignments: list[Assignment],
    fresh: pd.DataFrame,
    known: pd.DataFrame,
    person_of: Mapping[str, int],
    model: LinkageModel,
    explainer: Explainer,
    lower: float,
    sizes: tuple[int, int | None],
    broad: bool | None,
    term_frequencies: Mapping[str, pd.DataFrame] | None,
    engine: str,
) -> None:
    """Give each entry left without a person its best few persons of the second, broader pass (in place)."""
    from unforgotten.linkage.review import (
        REVIEW_FLOOR,
        REVIEW_PER_ENTRY,
        REVIEW_RULES,
        best_suggestions,
        review_frame,
        review_probabilities,
        second_pass_threshold,
        term_frequency_lookup,
    )

    alone = {NEW + a.record_id: a for a in assignments if a.person_id is None}
    if not alone:
        return
    floor = min(lower, REVIEW_FLOOR)
    subset = fresh[fresh["unique_id"].isin(set(alone))]
    backend = open_backend(engine)
    try:
        scored = score_pairs(
            backend,
            [review_frame(subset), review_frame(known)],
            model,
            "link_only",
            second_pass_threshold(floor, model.splink_settings),  # vetoed pairs too (review_probabilities)
            sizes,
            broad=broad if broad is not None else len(fresh) + len(known) <= SMALL_LISTS,
            term_frequencies=term_frequencies or {"family_key": term_frequency_lookup([fresh, known])},
            rules=REVIEW_RULES,
        )
    finally:
        backend.close()
    ranks = review_probabilities(scored, model.splink_settings)
    # Each (entry, person) at its best rank; the pair behind it gives the probability and explanation shown.
    top: dict[tuple[str, int], tuple[float, int]] = {}
    for row, (a, b, rank) in enumerate(zip(scored["unique_id_l"], scored["unique_id_r"], ranks, strict=True)):
        new_id, old_id = (str(a), str(b)) if str(a).startswith(NEW) else (str(b), str(a))
        key = (new_id, person_of[old_id[2:]])
        if key not in top or rank > top[key][0]:
            top[key] = (rank, row)
    triples = [(new_id, person, rank) for (new_id, person), (rank, _) in top.items()]
    chosen = best_suggestions(triples, floor=floor, per_entry=REVIEW_PER_ENTRY)
    for new_id, assignment in alone.items():
        shown: list[tuple[int, float, dict[str, object]]] = []
        for person, _ in chosen.get(new_id, []):
            pair = scored.iloc[top[(new_id, person)][1]].to_dict()
            why: dict[str, object] = {
                k: {"level": v.level, "weight": round(v.weight, 3)} for k, v in explainer.explain(pair).items()
            }
            shown.append((person, float(pair["match_probability"]), why))
        assignment.suggestions = sorted(shown, key=lambda item: item[0])


def _persons(rows: Sequence[Row]) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        try:
            out[str(row.get("record_id"))] = int(str(row.get("person_id")))
        except ValueError as error:
            raise InputError(
                Text("an existing entry has no valid person_id"),
                row=number,
                column="person_id",
                value=str(row.get("person_id")),
            ) from error
    return out


def _prefixed(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The frame with ``unique_id`` set to ``prefix + record_id``, the caller's frame left as it was.

    A shallow copy: the other columns are shared, not copied — a copy of a 200,000-row list and its 600,000
    candidates took 78 MiB just before scoring, the moment of the peak."""
    out = frame.copy(deep=False)
    ids = frame["record_id"]
    # Compact frames (features.compact_features) keep Arrow text: 800,000 ids as Python strings were another 45 MiB
    out["unique_id"] = prefix + (ids if isinstance(ids.dtype, pd.StringDtype) else ids.astype(str))
    return out


def _assignments(
    new_ids: list[str],
    clusters: Mapping[str, str],
    accepted: Mapping[str, str],
    best: Mapping[tuple[str, int], tuple[float, str, int]],
    candidates: Sequence[tuple[str, int, float, int]],
    scored: pd.DataFrame,
    explainer: Explainer,
) -> list[Assignment]:
    review: dict[str, dict[int, tuple[float, int]]] = defaultdict(dict)
    for new_id, candidate, p, row in candidates:
        if p > review[new_id].get(candidate, (0.0, -1))[0]:
            review[new_id][candidate] = (p, row)
    chosen: list[tuple[str, int | None, float | None, int, list[tuple[int, float, int]]]] = []
    for new_id in new_ids:
        cluster = clusters[new_id]
        person = int(accepted[cluster]) if cluster in accepted else None
        probability, row = None, -1
        if person is not None:
            probability, _, row = best[(cluster, person)]
        suggestions = [(pid, p, r) for pid, (p, r) in sorted(review.pop(new_id, {}).items()) if pid != person]
        chosen.append((new_id, person, probability, row, suggestions))
    shown_rows = {row for _, _, _, row, _ in chosen} | {r for *_, shown in chosen for _, _, r in shown}
    why = _explained(scored, explainer, shown_rows)
    return [
        Assignment(
            new_id[2:], person, clusters[new_id][2:], p, why.get(row, {}), [(pid, q, why[r]) for pid, q, r in shown]
        )
        for new_id, person, p, row, shown in chosen
    ]


def _explained(scored: pd.DataFrame, explainer: Explainer, rows: set[int]) -> dict[int, dict[str, object]]:
    """Per field, the level and weight of each of these rows of ``scored`` — those shown (a link or a suggestion),
    a slice of rows at a time.

    Why: a large list scores several pairs per entry (a registry holds each person several times) and keeps one;
    explaining every pair, from a dict per pair, was most of a 200,000-row list's memory after scoring."""
    ordered = sorted(row for row in rows if row >= 0)  # -1: no pair (an entry that made a new person)
    out: dict[int, dict[str, object]] = {}
    # A field's (level, weight) repeats across most pairs: one dict each, shared (read-only: written out as JSON)
    shared: dict[tuple[str, float], dict[str, object]] = {}
    for start in range(0, len(ordered), 20_000):
        part = ordered[start : start + 20_000]
        for row, pair in zip(part, scored.iloc[part].to_dict("records"), strict=True):
            out[row] = {
                name: shared.setdefault((field.level, weight), {"level": field.level, "weight": weight})
                for name, field in explainer.explain(pair).items()
                for weight in (round(field.weight, 3),)
            }
    return out


def link_into_persons(
    new: Sequence[Row],
    existing: Sequence[Row],
    *,
    upper: float | None = None,
    lower: float = DEFAULT_REVIEW_FLOOR,
    model: LinkageModel | None = None,
    broad: bool | None = None,
    term_frequencies: Mapping[str, pd.DataFrame] | None = None,
    space_size: int | None = None,
    new_features: pd.DataFrame | None = None,
    existing_features: pd.DataFrame | None = None,
    person_ids: Mapping[str, int] | None = None,
) -> list[Assignment]:
    """:func:`link_incremental` with the shipped model unless one is given (the database service's entry point)."""
    from unforgotten.linkage.engine import default_model

    chosen = model or default_model()
    return link_incremental(
        new,
        existing,
        model=chosen,
        threshold=upper,
        lower=lower,
        broad=broad,
        term_frequencies=term_frequencies,
        space_size=space_size,
        new_features=new_features,
        existing_features=existing_features,
        person_ids=person_ids,
    )
