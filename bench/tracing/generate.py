"""Synthetic children: one side's tracing requests and the other side's records of children in its hands.

Only synthetic data: surnames from :mod:`unforgotten.scenario.surnames` (built from roots and endings), given names
from the names engine's lexicon, places from the scenario's place list. What the other side's record does to a child
it holds, each drawn per child and recorded as its *kinds*:

* ``surname_changed`` — another surname (adoption, a new family), at ``changed_surname`` (30% by default);
* ``russified`` — the given name in its Russian form (Олександр → Александр), otherwise the Ukrainian one;
* ``dob_year`` — the birth year moved by one; ``dob_swap`` — day and month swapped; ``dob_missing`` — no date
  on one side or the other;
* ``parents_missing`` — neither parent's name on the record.

Beside them: children requested but not on the other side (``absent``), children on the other side nobody asked
about, and *namesakes* — another child with the same surname and given name, born in the same place some years
apart — and *siblings* — the same surname, parents and place, another given name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from unforgotten.names.lexicon import lexicon
from unforgotten.scenario.places import PLACES, place_text
from unforgotten.scenario.surnames import surname_pool

__all__ = ["ChildScenario", "GeneratorSetting", "generate"]


@dataclass(frozen=True)
class GeneratorSetting:
    changed_surname: float = 0.3
    russified: float = 0.8
    present: float = 0.8  # of requested children, the share the other side holds
    dob_year: float = 0.15
    dob_swap: float = 0.03
    dob_missing: float = 0.08
    parents_missing: float = 0.3
    namesakes: float = 0.1  # per requested child, a namesake on the other side
    siblings: float = 0.1
    unrequested: float = 1.0  # other children on the other side, per requested child


@dataclass
class ChildScenario:
    requests: list[dict[str, str]]
    records: list[dict[str, str]]
    truth: dict[str, str]  # request id → record id, for the children the other side holds
    kinds: dict[str, list[str]] = field(default_factory=dict)  # request id → what the record changed


def _iso(rng: np.random.Generator) -> tuple[int, int, int]:
    return int(rng.integers(2005, 2022)), int(rng.integers(1, 13)), int(rng.integers(1, 29))


def generate(children: int, seed: int, setting: GeneratorSetting | None = None) -> ChildScenario:
    """``children`` requests and the other side's records, deterministic by ``seed``."""
    s = setting or GeneratorSetting()
    rng = np.random.default_rng(seed)
    pool = surname_pool(seed)
    names = {sex: [g for g in lexicon() if g.sex == sex] for sex in ("M", "F")}
    weights = {sex: np.array([g.weight for g in names[sex]], dtype=float) for sex in names}

    def surname(sex: str, russian: bool) -> tuple[int, str]:
        i = int(rng.choice(len(pool.weights), p=pool.weights))
        table = (pool.ru_f if sex == "F" else pool.ru_m) if russian else (pool.uk_f if sex == "F" else pool.uk_m)
        return i, str(table[i])

    def given(sex: str) -> int:
        return int(rng.choice(len(names[sex]), p=weights[sex] / weights[sex].sum()))

    def child() -> dict[str, object]:
        sex = "M" if rng.random() < 0.5 else "F"
        family, _ = surname(sex, False)
        return {
            "sex": sex,
            "family": family,
            "given": given(sex),
            "dob": _iso(rng),
            "place": int(rng.integers(len(PLACES))),
            "mother": surname("F", False)[0],
            "mother_given": given("F"),
            "father": given("M"),
        }

    def request_row(rid: str, c: dict[str, object], kinds: list[str]) -> dict[str, str]:
        sex = str(c["sex"])
        y, m, d = c["dob"]  # type: ignore[misc]
        missing = "dob_missing" in kinds and rng.random() < 0.5
        return {
            "record_id": rid,
            "family_name": str((pool.uk_f if sex == "F" else pool.uk_m)[c["family"]]),  # type: ignore[index]
            "given_name": names[sex][c["given"]].uk[0],  # type: ignore[index]
            "sex": sex,
            "date_of_birth": "" if missing else f"{y:04d}-{m:02d}-{d:02d}",
            "place_of_birth": place_text(int(c["place"]), 0, "uk", rng.random() < 0.3, rng),  # type: ignore[call-overload]
            "mother_maiden_name": f"{pool.uk_f[c['mother']]} {names['F'][c['mother_given']].uk[0]}"  # type: ignore[index]
            if rng.random() < 0.8
            else "",
            "father_name": names["M"][c["father"]].uk[0] if rng.random() < 0.7 else "",  # type: ignore[index]
        }

    def record_row(rid: str, c: dict[str, object], kinds: list[str], requested_missing: bool) -> dict[str, str]:
        sex = str(c["sex"])
        y, m, d = c["dob"]  # type: ignore[misc]
        if "dob_year" in kinds:
            y += 1 if rng.random() < 0.5 else -1
        if "dob_swap" in kinds and d <= 12 and d != m:
            m, d = d, m
        family = (
            surname(sex, True)[1]
            if "surname_changed" in kinds
            else str((pool.ru_f if sex == "F" else pool.ru_m)[c["family"]])  # type: ignore[index]
        )
        group = names[sex][c["given"]]  # type: ignore[index]
        parents = "parents_missing" not in kinds
        return {
            "record_id": rid,
            "family_name": family,
            "given_name": group.ru[0] if "russified" in kinds else group.uk[0],
            "sex": sex,
            "date_of_birth": "" if "dob_missing" in kinds and not requested_missing else f"{y:04d}-{m:02d}-{d:02d}",
            "place_of_birth": place_text(int(c["place"]), 0, "ru", rng.random() < 0.7, rng),  # type: ignore[call-overload]
            "mother_maiden_name": f"{pool.ru_f[c['mother']]} {names['F'][c['mother_given']].ru[0]}"  # type: ignore[index]
            if parents and rng.random() < 0.6
            else "",
            "father_name": names["M"][c["father"]].ru[0] if parents and rng.random() < 0.5 else "",  # type: ignore[index]
        }

    out = ChildScenario([], [], {})
    records: list[tuple[dict[str, object], list[str], str | None, bool]] = []
    for n in range(children):
        c = child()
        rid = f"TRC-{seed}-{n:05d}"
        kinds = [
            kind
            for kind, rate in (
                ("surname_changed", s.changed_surname),
                ("russified", s.russified),
                ("dob_year", s.dob_year),
                ("dob_swap", s.dob_swap),
                ("dob_missing", s.dob_missing),
                ("parents_missing", s.parents_missing),
            )
            if rng.random() < rate
        ]
        request = request_row(rid, c, kinds)
        out.requests.append(request)
        out.kinds[rid] = kinds
        if rng.random() < s.present:
            records.append((c, kinds, rid, request["date_of_birth"] == ""))
        if rng.random() < s.namesakes:  # same names and place, born years apart
            twin = dict(c) | {"dob": (c["dob"][0] + int(rng.choice([-4, -3, 3, 4])), *c["dob"][1:])}  # type: ignore[index]
            twin |= {"mother": surname("F", False)[0], "father": given("M")}
            records.append((twin, ["russified"] if rng.random() < s.russified else [], None, False))
        if rng.random() < s.siblings:  # same family, another name, another year
            other = dict(c) | {
                "given": given(str(c["sex"])),
                "dob": (c["dob"][0] + int(rng.choice([-2, 2, 3])), *_iso(rng)[1:]),
            }  # type: ignore[index]
            records.append((other, ["russified"] if rng.random() < s.russified else [], None, False))
    for _ in range(int(children * s.unrequested)):
        records.append((child(), ["russified"] if rng.random() < s.russified else [], None, False))
    order = rng.permutation(len(records))
    for position, index in enumerate(order):
        c, kinds, request_id, requested_missing = records[int(index)]
        record_id = f"REC-{seed}-{position:05d}"
        out.records.append(record_row(record_id, c, kinds, requested_missing))
        if request_id is not None:
            out.truth[request_id] = record_id
    return out
