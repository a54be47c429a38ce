"""Benchmarks: each prints a table; results are recorded in docs/benchmarks.md with the command that made them."""
