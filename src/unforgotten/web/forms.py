"""Guards shared by the pages' form routes."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from unforgotten.errors import PermissionDeniedError

__all__ = ["same_origin"]


def same_origin(request: Request) -> None:
    """Refuse a form posted from another site: in local mode no cookie guards the pages, so the Origin must.

    Browsers send ``Origin`` with every form POST; a client that sends none (a script, the test client) is not a
    browser tricked by another site. (The same rule as the person page's forms.)
    """
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise PermissionDeniedError("a form from another site cannot act here", hint="use the page itself")
