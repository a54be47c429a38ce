"""Print the figures the names engine is judged by: key match rates, surname collisions, speed.

Run from the project root: ``.venv/bin/python -m tests.unit.names.measure``. The tests assert lower bounds on the
same figures; this prints them exactly, with the misses grouped by system.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict

from tests.unit.names.samples import random_surname, surname_list
from tests.unit.names.test_keys import documented_ambiguity, match_rate

from unforgotten.names import (
    System,
    given_name_group,
    lexicon,
    make_patronymic,
    name_keys_for_rows,
    phonetic_key,
    transliterate,
)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _report(title: str, words: list[tuple[str, str]]) -> None:
    rate, misses = match_rate(words)
    unexplained = [m for m in misses if not documented_ambiguity(*m[:3])]
    _say(f"{title}: {len(words) * len(System)} (name, system) pairs, key equal for {rate:.4%}")
    _say(f"   {len(misses)} misses by system: {dict(Counter(m[2].value for m in misses))}")
    _say(f"   {len(unexplained)} outside the documented ambiguities: {unexplained[:8]}")


def _rows(count: int, rng: random.Random) -> list[dict[str, str]]:
    groups, male = lexicon(), [g for g in lexicon() if g.sex == "M"]
    surnames = surname_list() + [random_surname(rng) for _ in range(count // 3)]
    rows = []
    for _ in range(count):
        group = rng.choices(groups, [g.weight for g in groups])[0]
        father = rng.choices(male, [g.weight for g in male])[0]
        language = rng.choice(("uk", "ru"))
        given = (group.uk if language == "uk" else group.ru)[0]
        father_name = (father.uk if language == "uk" else father.ru)[0]
        names = [rng.choice(surnames), given, make_patronymic(father_name, sex=group.sex, language=language)]
        if rng.random() < 0.5:
            system = rng.choice(list(System))
            names = [transliterate(n, system, language=language) for n in names]  # type: ignore[arg-type]
        rows.append(dict(zip(("family_name", "given_name", "patronymic"), names, strict=True)))
    return rows


def main() -> None:
    groups = lexicon()
    _report(
        "lexicon given names",
        [(f, "uk") for g in groups for f in g.uk] + [(f, "ru") for g in groups for f in g.ru],
    )
    resolved = total = 0
    for g in groups:
        forms = set(g.forms) | {transliterate(f, s, language="uk") for f in g.uk for s in System}
        forms |= {transliterate(f, s, language="ru") for f in g.ru for s in System}
        total += len(forms)
        resolved += sum(given_name_group(f) == g.group for f in forms)
    _say(f"given_name_group: {resolved}/{total} written and romanised forms resolve to their own group")

    names = surname_list()
    _report("surname list (uk and ru readings)", [(w, lang) for w in names for lang in ("uk", "ru")])
    by_key: defaultdict[str, set[str]] = defaultdict(set)
    for name in names:
        by_key[phonetic_key(name)].add(name)
    colliding = sorted(v for v in map(sorted, by_key.values()) if len(v) > 1)
    _say(f"surname list: {len(names)} surnames, {len(by_key)} keys, {sum(map(len, colliding))} collide: {colliding}")

    rng = random.Random(20261125)
    _report("generated surnames (3000)", [(random_surname(rng), rng.choice(("uk", "ru"))) for _ in range(3000)])

    rows = _rows(200_000, random.Random(1))
    start = time.perf_counter()
    name_keys_for_rows(rows)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    name_keys_for_rows(rows)
    warm = time.perf_counter() - start
    distinct = len({r["family_name"] for r in rows})
    _say(f"name_keys_for_rows: 200000 rows ({distinct} distinct family names): {cold:.2f} s cold, {warm:.2f} s warm")


if __name__ == "__main__":
    main()
