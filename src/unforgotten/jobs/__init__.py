"""Background jobs: a list uploaded from the browser is imported and linked by a runner in the web process,
with its progress kept where a page can poll it, and picked up again after a restart."""

from __future__ import annotations

__all__: list[str] = []
