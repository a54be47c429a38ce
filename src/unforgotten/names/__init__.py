"""Cross-script name engine: transliteration, phonetic keys, given-name lexicon, patronymics, surnames.

Pure Python, no database: every function here is a deterministic function of its arguments, so linkage, ingest
and the synthetic data generator can all rely on it.
"""

from unforgotten.names.lexicon import GivenName, lexicon
from unforgotten.names.patronymics import make_patronymic
from unforgotten.names.transliteration import System, transliterate

__all__ = ["GivenName", "System", "lexicon", "make_patronymic", "transliterate"]
