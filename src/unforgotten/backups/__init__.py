"""Encrypted backups of the whole database, and restoring them (issue 11, item 7)."""

__all__: list[str] = []
