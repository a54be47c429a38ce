"""Jinja2 environment with the gettext extension, shared by every domain's pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from unforgotten.web.i18n import pick_language, translations

__all__ = ["render", "templates"]

templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
templates.env.add_extension("jinja2.ext.i18n")


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    """Render a page in the language the request asks for."""
    language = pick_language(request.headers.get("accept-language"), request.query_params.get("lang"))
    catalogue = translations(language)
    env = templates.env
    env.install_gettext_callables(  # type: ignore[attr-defined]
        catalogue.gettext, catalogue.ngettext, newstyle=True
    )
    return templates.TemplateResponse(request, name, {"lang": language, **context}, status_code=status_code)
