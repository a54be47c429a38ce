"""The ``unforgotten`` command line: one Typer app, one module per command group.

Exit codes: 0 success; 1 unexpected error; 2 invalid input; 3 a file cannot be read; 4 not found;
5 permission denied; 6 conflict with the current state; 7 an integrity check failed (audit chain, accounting);
8 linkage failed; 9 configuration error.
"""

from __future__ import annotations

from unforgotten.cli.app import app, main

__all__ = ["app", "main"]
