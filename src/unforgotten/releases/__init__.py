"""Releases: what a side learns of the other side's data, as explicit, audited answers (GC III Art. 122–123)."""

__all__: list[str] = []
