"""Jinja2 environments with the gettext extension, shared by every domain's pages.

One environment per language, each with its own catalogue and locale-bound filters installed once: installing the
gettext callables on a single shared environment per request would let two concurrent requests (sync routes run in
a thread pool) render in each other's language.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import URL, URLPath
from starlette.routing import Router

from unforgotten.web.i18n import LANGUAGE_COOKIE, SUPPORTED_LANGUAGES, label, pick_language, refusal, translations

__all__ = ["LANGUAGE_COOKIE_MAX_AGE", "render", "templates"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: a coordinator chooses once per browser


_PATHS = "_unforgotten_route_paths"
_MOST_PATHS = 10_000


def _route_path(router: Router, name: str, params: tuple[tuple[str, Any], ...]) -> URLPath:
    """A route's path, looked up once per router: Starlette scans every route (and every included router) on each
    call, and a page asks for a dozen (the nav alone for seven) — that scan was most of the time a small page took.
    The cache lives on the router, so an app built for a test never reads another app's paths."""
    cache: dict[tuple[str, tuple[tuple[str, Any], ...]], URLPath] | None = getattr(router, _PATHS, None)
    if cache is None:
        cache = {}
        setattr(router, _PATHS, cache)
    key = (name, params)
    if key not in cache:
        if len(cache) >= _MOST_PATHS:  # links to persons by id are many: bounded, so a server's memory stays flat
            cache.clear()
        cache[key] = router.url_path_for(name, **dict(params))
    return cache[key]


@pass_context
def _url_for(context: Any, name: str, /, **path_params: Any) -> URL:
    """``url_for`` in templates, as Starlette's, with the route's path cached per app, name and parameters."""
    request: Request = context["request"]
    router: Router = request.scope.get("router") or request.scope["app"]
    return _route_path(router, name, tuple(sorted(path_params.items()))).make_absolute_url(base_url=request.base_url)


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES))
def templates(language: str) -> Jinja2Templates:
    """The templates of ``language``: its catalogue, and filters that format dates and numbers as its locale does.

    Filters: ``date`` and ``datetime`` (Babel's medium format; ``None`` shows as nothing); ``number`` (grouped digits,
    e.g. 12 345 in uk, with an optional CLDR pattern such as ``"0.000"`` for a probability); ``label`` (a stored
    machine word such as ``not_acknowledged``, translated); ``refusal`` (an error's message and hint, or a message,
    in the page's language: the one way a page shows why it refused).
    """
    bundle = Jinja2Templates(directory=str(_TEMPLATES))
    env = bundle.env
    env.add_extension("jinja2.ext.i18n")
    catalogue = translations(language)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogue.gettext, catalogue.ngettext, newstyle=True, pgettext=catalogue.pgettext, npgettext=catalogue.npgettext
    )

    def date(value: dt.date | None) -> str:
        return "" if value is None else format_date(value, format="medium", locale=language)

    def datetime(value: dt.datetime | None) -> str:  # stored times are UTC; a naive one is taken as UTC too
        return "" if value is None else format_datetime(value, format="medium", tzinfo=dt.UTC, locale=language)

    def number(value: float | None, pattern: str | None = None) -> str:
        return "" if value is None else format_decimal(value, format=pattern, locale=language)

    env.filters.update(
        date=date,
        datetime=datetime,
        number=number,
        label=lambda value: label(value, language),
        refusal=lambda error: refusal(error, language),
    )
    env.globals["url_for"] = _url_for
    return bundle


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render a page in the language the request asks for; an explicit ``?lang=`` is remembered in a cookie."""
    requested = request.query_params.get("lang")
    language = pick_language(request.headers.get("accept-language"), requested, request.cookies.get(LANGUAGE_COOKIE))
    switch = []  # the same page (with its query, e.g. a search) in each language, as a relative link
    for code in SUPPORTED_LANGUAGES:
        url = request.url.include_query_params(lang=code)
        switch.append((code, f"{url.path}?{url.query}"))
    page = {"lang": language, "language_switch": switch, **context}
    response = templates(language).TemplateResponse(request, name, page, status_code=status_code)
    if requested in SUPPORTED_LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_MAX_AGE, samesite="lax", httponly=True,
            secure=request.url.scheme == "https",
        )  # fmt: skip
    return response
