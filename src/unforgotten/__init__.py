"""Unforgotten: prepare, carry out and account for exchanges of persons — so that no one is lost or forgotten."""

__version__ = "0.1.0"

__all__ = ["__version__"]
