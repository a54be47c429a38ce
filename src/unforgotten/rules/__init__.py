"""Agreements as data: the category rule language and its three-valued evaluation with reasons (pure engine)."""

from __future__ import annotations

from unforgotten.rules.language import Facts, Outcome, Verdict, evaluate, validate_rule
from unforgotten.rules.terms import HEALTH_TERMS, health_categories

__all__ = ["HEALTH_TERMS", "Facts", "Outcome", "Verdict", "evaluate", "health_categories", "validate_rule"]
