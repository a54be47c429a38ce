"""Encrypted backups of the whole database, and restoring them (issue 11, item 7)."""
