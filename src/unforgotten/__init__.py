"""Unforgotten."""
