"""Guards and the one way the pages' form routes run: check the origin, act in a savepoint, redirect or explain."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from unforgotten.db import domain_error
from unforgotten.errors import NotFoundError, PermissionDeniedError, Text, UnforgottenError

__all__ = ["page_url", "run_form", "same_origin"]


def same_origin(request: Request) -> None:
    """Refuse a form posted from another site: in local mode no cookie guards the pages, so the Origin must.

    Browsers send ``Origin`` with every form POST; a client that sends none (a script, the test client) is not a
    browser tricked by another site. (The same rule as the person page's forms.)
    """
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise PermissionDeniedError(Text("a form from another site cannot act here"), hint=Text("use the page itself"))


def page_url(request: Request, name: str, query: Mapping[str, str | int], *, anchor: str = "", **path: int) -> str:
    """The address of a named page with its query (and an anchor to keep the reader's place): where a form goes back."""
    found = request.app.url_path_for(name, **{key: str(value) for key, value in path.items()})
    return f"{found}?{urlencode(query)}{'#' + anchor if anchor else ''}"


def run_form(
    request: Request,
    session: Session,
    *,
    work: Callable[[], str],
    failed: Callable[[UnforgottenError], Response],
    missing: Callable[[], Response] | None = None,
) -> Response:
    """Run one form's ``work`` and answer as every page's form does; the route keeps only what is its own.

    Written once because each page had its own copy of these rules, and a copy that forgets one of them answers a
    browser with a JSON body or a 500 (the app's handlers speak problem+json):

    - ``same_origin`` first: in local mode nothing else stops another site's form.
    - ``work`` (parse the fields, check the record is visible, call the service) runs in a savepoint, so a refusal
      undoes its half-done writes while the request's unit of work still commits what the answer records (an
      access event of the page shown again).
    - A refusal (any :class:`UnforgottenError`) is ``failed(error)``: the page again, with the reason and what the
      reader typed, in the error's status. A :class:`NotFoundError` is ``missing()`` instead when given: the page's
      404, the same as for a record that never existed. Pages whose own renderer answers 404 for a missing record
      leave it out.
    - A lost race on a versioned row (``StaleDataError``) is the same conflict the API reports, on the page.
    - Done, a 303 to the address ``work`` returns (see :func:`page_url`): a reload then does not post again.
    """
    try:
        same_origin(request)
        with session.begin_nested():
            url = work()
    except NotFoundError as error:
        return missing() if missing is not None else failed(error)
    except UnforgottenError as error:
        return failed(error)
    except StaleDataError as error:
        conflict = domain_error(error)
        if conflict is None:  # never for a StaleDataError; kept so a change to domain_error cannot hide one
            raise
        return failed(conflict)
    return RedirectResponse(url, status_code=303)
