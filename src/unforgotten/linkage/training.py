"""Unsupervised training (u by random sampling, m by EM on a few blocking rules) and the saved model file.

Why a model file of our own around Splink's settings JSON: the default threshold travels with the parameters, and
the prior (the chance that two random records match) is not stored as a number but recomputed from the sizes of
the lists being linked, so one model trained on 20 000 rows stays calibrated on 2 000 or 1 000 000.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from unforgotten.errors import InputError, LinkageError, Text
from unforgotten.linkage.backend import Backend, open_backend
from unforgotten.linkage.model import TRAINING_RULES, WEAK_FIELDS, WEAK_FLOOR, LinkType, settings

__all__ = [
    "DEFAULT_REVIEW_FLOOR",
    "DEFAULT_THRESHOLD",
    "MIN_ESTIMATE_ROWS",
    "LinkageModel",
    "cap_weak_fields",
    "count_service_number_once",
    "estimate_from_features",
    "estimate_model",
    "train_model",
]

DEFAULT_THRESHOLD = 0.5
# Pairs from here up to the threshold go to a reviewer rather than being dropped. On the benchmark F1 is flat
# from 0.1 to 0.5 (docs/benchmarks.md): these pairs are as often right as wrong, which is what a human is for.
DEFAULT_REVIEW_FLOOR = 0.1
"""Match probability above which a pair is the same person; chosen by best F1 on the benchmark (docs/linkage.md)."""
_FORMAT = "unforgotten-linkage-model"
_TRAIN_SAMPLE = 60_000  # rows per side: m and u barely move beyond this, and EM time grows with it
_EXPECTED_OVERLAP = 0.7  # share of the smaller list expected to appear in the other (the prior's numerator)


@dataclass
class LinkageModel:
    """A trained linkage model: Splink settings with m and u, plus the threshold chosen for it.

    Attributes:
        splink_settings: Splink's own settings dictionary (comparisons with trained m and u).
        threshold: Default match probability threshold for this model.
        trained_on: Free-text note of what the model was trained on (rows, seed), for the audit trail.
    """

    splink_settings: dict[str, Any]
    threshold: float = DEFAULT_THRESHOLD
    trained_on: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path | str) -> None:
        """Write the model as one JSON file (UTF-8), reusable with :meth:`load` and ``--model``."""
        document = {
            "format": _FORMAT,
            "version": 1,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "splink_settings": self.splink_settings,
        }
        Path(path).write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> LinkageModel:
        """Read a model written by :meth:`save`.

        Raises:
            InputError: the file is not a linkage model.
        """
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(Text("cannot read linkage model: {error}", error=error), file=str(path)) from error
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise InputError(
                Text("not an Unforgotten linkage model file"),
                file=str(path),
                hint=Text("train one with `unforgotten link`"),
            )
        return cls(
            splink_settings=count_service_number_once(cap_weak_fields(document["splink_settings"])),
            threshold=float(document["threshold"]),
            trained_on=dict(document.get("trained_on") or {}),
        )

    def settings_for(
        self, link_type: str, n_left: int, n_right: int | None = None, *, dialect: str | None = None
    ) -> dict[str, Any]:
        """Settings for one run: the trained parameters, this run's link type and a prior for these sizes.

        For another SQL dialect than the model was trained in (a DuckDB model run on Spark), the comparisons and
        blocking rules are built afresh in that dialect and the trained m and u copied over level by level.
        """
        out = copy.deepcopy(self.splink_settings)
        if dialect is not None and out.get("sql_dialect", dialect) != dialect:
            out = _in_dialect(out, dialect)
        out["link_type"] = link_type
        out["probability_two_random_records_match"] = prior(n_left, n_right)
        return out


_PARAMETERS = ("m_probability", "u_probability", "fix_m_probability", "fix_u_probability")


def _in_dialect(trained: dict[str, Any], dialect: str) -> dict[str, Any]:
    fresh = settings(trained["link_type"]).create_settings_dict(dialect)
    fresh_comparisons = fresh["comparisons"]
    shape = [(c["output_column_name"], len(c["comparison_levels"])) for c in trained["comparisons"]]
    if shape != [(c["output_column_name"], len(c["comparison_levels"])) for c in fresh_comparisons]:
        raise LinkageError(
            Text(
                "the model file's comparisons {shape} differ from this version's; it cannot run in {dialect}",
                shape=shape,
                dialect=dialect,
            ),
            hint=Text("train the model again with this version (unforgotten link --save-model)"),
        )
    for old, new in zip(trained["comparisons"], fresh_comparisons, strict=True):
        for old_level, new_level in zip(old["comparison_levels"], new["comparison_levels"], strict=True):
            for key in _PARAMETERS:
                if key in old_level:
                    new_level[key] = old_level[key]
    for key, value in trained.items():
        if key not in ("comparisons", "blocking_rules_to_generate_predictions", "sql_dialect"):
            fresh[key] = value
    fresh["sql_dialect"] = dialect
    return fresh


def prior(n_left: int, n_right: int | None = None) -> float:
    """The chance that two random records name the same person, from the lists' sizes.

    Between two lists about 70% of the smaller one is expected in the other; within one list (``n_right`` is
    ``None``) each record is expected to have about 0.05 duplicates.
    """
    if n_right is None:
        pairs = max(n_left * (n_left - 1) / 2, 1.0)
        return min(0.5, max(0.05 * n_left, 1.0) / pairs)
    pairs = max(float(n_left) * float(n_right), 1.0)
    return min(0.5, max(_EXPECTED_OVERLAP * min(n_left, n_right), 1.0) / pairs)


def _sample(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame if len(frame) <= _TRAIN_SAMPLE else frame.sample(n=_TRAIN_SAMPLE, random_state=seed)


def train_model(
    left: pd.DataFrame,
    right: pd.DataFrame | None = None,
    *,
    engine: str = "duckdb",
    seed: int = 1,
    threshold: float = DEFAULT_THRESHOLD,
    backend: Backend | None = None,
) -> LinkageModel:
    """Train a model without labels on feature tables (see :func:`unforgotten.linkage.features.features`).

    Args:
        left: Feature table of one list (or the only list, to train for deduplication).
        right: Feature table of the other list, or ``None``.
        engine: ``"duckdb"`` or ``"spark"``.
        seed: Seed for sampling rows and pairs, so a model can be trained again identically.
        threshold: Threshold stored with the model.
        backend: An open backend to reuse (its tables are left in place).

    Returns:
        A :class:`LinkageModel`.

    Raises:
        LinkageError: Splink failed; the message carries the failing SQL when there is one.
    """
    link_type: LinkType = "dedupe_only" if right is None else "link_only"
    frames = [_sample(left, seed)] + ([] if right is None else [_sample(right, seed + 1)])
    n_r = None if right is None else len(frames[1])
    creator = settings(link_type, prior(len(frames[0]), n_r))
    own = backend is None
    active = backend or open_backend(engine)
    try:
        with active.errors(Text("training the linkage model")):
            tables = active.register(frames)
            linker = active.linker(tables, creator)
            linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
            with_u = linker.misc.save_model_to_json()
            learned = _expectation_maximisation(linker)
            trained = linker.misc.save_model_to_json() if learned else _m_from_prior(with_u)
    finally:
        if own:
            active.close()
    _check_trained(trained)
    trained_on: dict[str, Any] = {"rows": [len(f) for f in frames], "seed": seed, "engine": engine}
    if not learned:
        trained_on["m"] = "the shipped model's (no pairs to learn from)"
    return LinkageModel(
        splink_settings=count_service_number_once(cap_weak_fields(trained)),
        threshold=threshold,
        trained_on=trained_on,
    )


def _expectation_maximisation(linker: Any) -> bool:
    """Run the EM sessions; ``False`` when the data hold no pairs to learn m from.

    Why: on rows where nobody appears twice (a list without duplicates, deduplicated; a space of one list), EM
    drives some level's m below what a float holds and Splink refuses the value — which aborted the whole import
    (found by the load benchmark: a 2,000-person list, one row each). Where not even one pair shares a training
    rule's keys (2,500 persons of distinct surnames and no dates of birth), Splink refuses to start the session
    (its ``EMTrainingException``, not public: known by its name) — which aborted the import too. Such data say
    nothing about how a true pair looks, so m comes from the shipped model while u, learned from random pairs,
    stays this data's own.
    """
    for rule in TRAINING_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=True
            )
        except Exception as error:  # Splink's own refusals, told apart below; anything else is raised again
            no_pairs = type(error).__name__ == "EMTrainingException"
            if not no_pairs and not (isinstance(error, ValueError) and "below the minimum allowed value" in str(error)):
                raise
            logging.getLogger(__name__).warning(
                "EM session %d of %d found no pairs to learn from: m from the shipped model",
                TRAINING_RULES.index(rule) + 1,
                len(TRAINING_RULES),
            )
            return False
    return True


def _m_from_prior(with_u: dict[str, Any]) -> dict[str, Any]:
    """The settings with this data's u and the shipped model's m, level by level."""
    from unforgotten.linkage.engine import default_model

    _fill_from(with_u, default_model().splink_settings, keys=("m_probability",), overwrite=True)
    return with_u


def _check_trained(trained: dict[str, Any]) -> None:
    missing = [
        f"{comparison['output_column_name']}: {level.get('label_for_charts', '?')}"
        for comparison in trained["comparisons"]
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level") and level.get("m_probability") is None
    ]
    if missing:
        logging.getLogger(__name__).info("levels without a trained m (Splink's default used): %s", missing)
    if not trained.get("comparisons"):
        raise LinkageError(Text("training produced no comparisons"))


def cap_weak_fields(splink_settings: dict[str, Any]) -> dict[str, Any]:
    """Keep every level of the fields sides record their own way at a Bayes factor of at least ``WEAK_FLOOR``.

    Why: EM on data where both sides wrote places and units alike learns that a different place is strong evidence
    against a match; on lists where each side writes them its own way ("с. Вишневе" / "с. Вишнёвое Харьковской
    обл.") that vetoed identical names and dates (issue 10). The settings are changed in place and returned.
    """
    for comparison in splink_settings.get("comparisons", []):
        if comparison.get("output_column_name") not in WEAK_FIELDS:
            continue
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or m is None or u is None:
                continue
            if m < WEAK_FLOOR * u:
                level["m_probability"] = min(1.0, WEAK_FLOOR * u)
    return splink_settings


_SAME_NUMBER = "service_number_l = service_number_r"


def count_service_number_once(splink_settings: dict[str, Any]) -> dict[str, Any]:
    """Give a level that lets an equal service number excuse another field's disagreement the u of that disagreement.

    Why: "different known names, same service number" and "dates conflict, same service number" exist so that a
    clerk's wrong name or date is not a veto when the number agrees; their m is a clerk's error rate. Learned on
    random pairs, their u is that of pairs which *also* share the number — tiny — so their weight came out at
    about +13 bits each, and the number, already +17 bits in its own comparison, was counted three times: two
    strangers sharing nothing but a service number scored about +26 bits (the heavy 200,000 case: 1,343 false
    pairs, docs/benchmarks.md). The level's u is set to that of the level after it, which is the same
    disagreement without the number (two different known names; dates more than two years apart), so the
    number counts once and the disagreement costs what a clerk's error costs. Changed in place and returned.
    """
    for comparison in splink_settings.get("comparisons", []):
        if comparison.get("output_column_name") == "service_number":
            continue
        levels = comparison["comparison_levels"]
        for level, following in zip(levels, levels[1:], strict=False):
            if _SAME_NUMBER in str(level.get("sql_condition", "")) and following.get("u_probability") is not None:
                level["u_probability"] = following["u_probability"]
    return splink_settings


MIN_ESTIMATE_ROWS = 2_000
"""Below this many rows EM has too few pairs to learn from: :func:`estimate_model` keeps the prior's parameters."""


def settle(splink_settings: dict[str, Any], prior: dict[str, Any] | None = None, digits: int = 12) -> dict[str, Any]:
    """Round every learned m and u to ``digits`` significant digits, in place; a value that rounds as the
    ``prior``'s same level does (a value kept from the prior) becomes the prior's exactly.

    Why: DuckDB sums in parallel, and the order in which threads add up a level's counts moves the estimate in
    its last one or two digits. Rounded, the same rows give the same model whatever their order or the thread
    schedule, so a re-estimate that changed nothing real leaves the cached model (and every score) unchanged.
    """
    by_name = {c["output_column_name"]: c for c in (prior or {}).get("comparisons", [])}
    for comparison in splink_settings.get("comparisons", []):
        old = by_name.get(comparison["output_column_name"], {}).get("comparison_levels", [])
        same_shape = len(old) == len(comparison.get("comparison_levels", []))
        for i, level in enumerate(comparison.get("comparison_levels", [])):
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if not isinstance(value, float):
                    continue
                rounded = float(f"{value:.{digits}g}")
                before = old[i].get(key) if same_shape else None
                kept = isinstance(before, float) and float(f"{before:.{digits}g}") == rounded
                level[key] = before if kept else rounded
    return splink_settings


def estimate_model(
    rows: Iterable[Mapping[str, object]],
    *,
    prior: LinkageModel | None = None,
    seed: int = 1,
    min_rows: int = MIN_ESTIMATE_ROWS,
) -> LinkageModel:
    """Re-estimate the model on the rows in front of it (one space's entries), with a prior model to fall back on.

    Deterministic: rows are ordered by record id before anything is sampled, and every sample is seeded, so the
    same rows in any order give the same model. Levels the data cannot estimate (no m learned) keep the prior's
    m and u; with fewer than ``min_rows`` rows the prior is returned unchanged (a copy). Fields each side records
    its own way are capped as weak evidence (:func:`cap_weak_fields`) in the estimate too.

    Args:
        rows: Rows in the canonical columns (``record_id`` required and unique), from one or several lists.
        prior: The model to fall back on (default: the shipped model).
        seed: Seed for every sample.
        min_rows: Fewest rows worth estimating on.

    Returns:
        A :class:`LinkageModel` with the prior's threshold; ``trained_on`` says which rows and whether the prior
        was kept.

    Examples:
        >>> model = estimate_model(space_rows, prior=default_model(), seed=1)  # doctest: +SKIP
        >>> link_into_persons(new_rows, existing_rows, model=model)  # doctest: +SKIP
    """
    from unforgotten.linkage.features import features

    # Features first, then ordered: each row's features are its own, and rows read one at a time (a space's sample
    # streamed out of the database) are never all held as dicts.
    return estimate_from_features(features(rows), prior=prior, seed=seed, min_rows=min_rows)


def estimate_from_features(
    frame: pd.DataFrame,
    *,
    prior: LinkageModel | None = None,
    seed: int = 1,
    min_rows: int = MIN_ESTIMATE_ROWS,
) -> LinkageModel:
    """:func:`estimate_model` on rows whose features are made (:func:`~unforgotten.linkage.features.features`).

    Why apart: the features are Python work and the estimate mostly DuckDB's, which lets go of the interpreter, so a
    caller can make the features where it reads the rows and estimate in another thread while it goes on (linking a
    space's first large list estimates its model while the list's own features are made). ``frame`` is not changed.
    """
    from unforgotten.linkage.engine import default_model

    base = prior if prior is not None else default_model()
    if len(frame) < min_rows:
        return LinkageModel(
            copy.deepcopy(base.splink_settings), base.threshold, {"rows": [len(frame)], "prior_kept": True}
        )
    frame = frame.sort_values("record_id", kind="stable", ignore_index=True)
    frame["unique_id"] = frame["record_id"]
    trained = train_model(frame, None, seed=seed, threshold=base.threshold)
    _fill_from(trained.splink_settings, base.splink_settings)
    trained.splink_settings.pop("linker_uid", None)  # random per linker; the estimate must not differ by it
    settle(trained.splink_settings, base.splink_settings)
    trained.trained_on |= {"prior_kept": False, "estimated_on": "rows of one space"}
    return trained


def _fill_from(
    target: dict[str, Any],
    source: dict[str, Any],
    *,
    keys: tuple[str, ...] = ("m_probability", "u_probability"),
    overwrite: bool = False,
) -> None:
    """Levels take the source's ``keys`` (matched by comparison name and level position): those without a value,
    or all of them with ``overwrite``."""
    by_name = {c["output_column_name"]: c for c in source.get("comparisons", [])}
    for comparison in target.get("comparisons", []):
        old = by_name.get(comparison["output_column_name"])
        if old is None or len(old["comparison_levels"]) != len(comparison["comparison_levels"]):
            continue
        for level, prior_level in zip(comparison["comparison_levels"], old["comparison_levels"], strict=True):
            for key in keys:
                if (overwrite or level.get(key) is None) and prior_level.get(key) is not None:
                    level[key] = prior_level[key]
