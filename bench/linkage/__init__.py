"""Linkage benchmark (see __main__)."""
