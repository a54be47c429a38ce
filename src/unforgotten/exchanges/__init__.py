"""Exchanges carried out: stage plans in the database, handovers with signed acts, remains batches (issue 13)."""

__all__: list[str] = []
