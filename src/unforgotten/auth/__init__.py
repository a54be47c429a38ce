"""Parties, users, roles and who may see what."""

__all__: list[str] = []
