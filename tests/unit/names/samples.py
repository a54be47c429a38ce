"""Shared data for the names tests: the surname list and a generator of plausible random surnames.

Imported by the tests (not a conftest) so that the helpers are plain functions.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import strategies as st

SURNAME_FILE = Path(__file__).parent / "data" / "surnames.txt"

# Syllables and endings typical of Ukrainian and Russian surnames; every Cyrillic letter occurs somewhere.
SYLLABLES = (
    "ба бо би бі бу ва ве ви ві во ву га ге го гу ґа да де ди ді до ду дзю джу же жи жо жу за зе зі зо зу зг "
    "ка ке ки кі ко ку кра кри ла ле ли лі ло лу ля лю ма ме ми мі мо му на не ни ні но ну ня па пе пи пі по "
    "пу при ра ре ри рі ро ру са се си сі со су ста стри та те ти ті то ту тка фе фі фо ха хе хи хо ху хм "
    "ца це ці цу ча че чи чо чу ша ше ши шо шу ща ще щу шле юр юх яв як ящ єв єр їж ів ол ос ор ан ар ем ль "
    "сь зь нь ць ба дья ся мья ро ёв жё шё лё мы ры сы ты бэ"
).split()
ENDINGS = (
    "енко чук ський цький ов ова ев ева ин іна ич ович ук юк ак ець ко ий ій ьків ів ська ишин ей ай як ун "
    "ач аш уш ченко ненко ян ьян ієнко ієнко ейко ейчук ский цкий ская ских ых ёв ёва"
).split()


# Ё before another vowel does not occur in names; the syllables would make it (лё + ун).
_IMPOSSIBLE = re.compile("ё[аеєиіїоуыэюяё]")


def surname_list() -> list[str]:
    words: set[str] = set()
    for line in SURNAME_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return sorted(words)


def random_surname(rng: random.Random) -> str:
    while True:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) + rng.choice(ENDINGS)
        if not _IMPOSSIBLE.search(word):
            return word[0].upper() + word[1:]


def generated_surnames() -> st.SearchStrategy[str]:
    return st.builds(
        lambda parts, ending: (w := "".join(parts) + ending)[0].upper() + w[1:],
        st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3),
        st.sampled_from(ENDINGS),
    ).filter(lambda word: not _IMPOSSIBLE.search(word.lower()))
