"""The signed-in user's own account page: change the password, enrol a new authenticator.

Why in the browser: coordinators work in browsers, and until now only an administrator at the command line could
set a password or a second factor (``unforgotten user password|totp``). Both forms ask for the current password,
so a browser left signed in cannot be used to take the account over; a wrong one counts as a failed sign-in in
the same limiter. A new authenticator is stored only after a code from it proves it was added.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.factors import TotpEnrolment
from unforgotten.auth.service import Actor
from unforgotten.deps import SESSION_COOKIE, PageActor, ReadSession, client_address, get_database
from unforgotten.errors import AuthenticationError, InputError, Text, UnforgottenError
from unforgotten.web.forms import same_origin
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_DONE = {"totp"}


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: UnforgottenError | None = None,
    offer: dict[str, str] | None = None,
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    user = None if actor.operator else auth.get_user_by_name_or_raise(session=session, name=actor.name)
    context = {
        "actor": actor,
        "user": user,
        "has_password": bool(user is not None and user.password_hash),
        "enrolled": bool(user is not None and user.totp_secret),
        "code_required": bool(user is not None and auth.second_factor_required(user)),
        "error": error,
        "offer": offer,
        "done": done,
    }
    return render(request, "account.html", context, status_code=status_code)


def _attempt(request: Request, actor: Actor, work: Callable[[Session], Response]) -> Response:
    """Run ``work`` in a unit of work of its own; a refusal shows the page again with its reason.

    Why not the pages' usual session: a wrong current password is counted in the sign-in limiter, which writes an
    event, and on SQLite that write must wait until this unit of work has ended, or it waits for ever.
    """
    database = get_database(request)
    offered: dict[str, str] | None = None
    try:
        same_origin(request)
        with database.unit_of_work(actor=actor.name if actor.operator else f"web:{actor.name}") as uow:
            try:
                response = work(uow.session)
            except _Refusal as refusal:
                offered = refusal.offer
                raise refusal.error from None
            uow.commit()
        return response
    except UnforgottenError as error:
        if isinstance(error, AuthenticationError):
            request.app.state.sign_in_limiter.failed(client_address(request), database, where="web-account")
        with database.read() as read:
            page = _page(request, read, actor, error=error, offer=offered, status_code=_status(error))
        if offered is not None:
            page.headers["Cache-Control"] = "no-store"
        return page


class _Refusal(Exception):
    """A refusal that keeps an enrolment offer on the page (the reader retypes a code, not a new key)."""

    def __init__(self, error: UnforgottenError, offer: dict[str, str] | None) -> None:
        super().__init__(error.message)
        self.error, self.offer = error, offer


def _status(error: UnforgottenError) -> int:
    return 429 if error.http_status == 429 else 400


def _offer(enrolment: TotpEnrolment, sealed: bytes) -> dict[str, str]:
    return {"secret": enrolment.secret, "uri": enrolment.uri, "sealed": base64.urlsafe_b64encode(sealed).decode()}


@router.get("/account", response_class=HTMLResponse, name="account_page")
def account_page(request: Request, session: ReadSession, actor: PageActor, done: str = "") -> HTMLResponse:
    """Who the reader is, and the forms to change their password and authenticator."""
    return _page(request, session, actor, done=done if done in _DONE else "")


@router.post("/account/password", name="account_password")
def account_password(
    request: Request, actor: PageActor, current: str = Form(""), new: str = Form(""), again: str = Form("")
) -> Response:
    """Change the reader's password; every session of theirs ends, so they sign in again with the new one."""

    def work(session: Session) -> Response:
        _no_operator(actor)
        request.app.state.sign_in_limiter.check(client_address(request))
        auth.change_own_password(session=session, name=actor.name, current=current, new=new, again=again)
        response = RedirectResponse("/login?done=password&next=/account", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    return _attempt(request, actor, work)


@router.post("/account/totp", name="account_totp")
def account_totp(request: Request, actor: PageActor, current: str = Form("")) -> Response:
    """Offer a new authenticator secret (after the password); nothing changes until a code confirms it."""

    def work(session: Session) -> Response:
        _no_operator(actor)
        request.app.state.sign_in_limiter.check(client_address(request))
        enrolment, sealed = auth.offer_totp(session=session, name=actor.name, password=current)
        response = _page(request, session, actor, offer=_offer(enrolment, sealed))
        response.headers["Cache-Control"] = "no-store"  # the key is on this page: no cache may keep it
        return response

    return _attempt(request, actor, work)


@router.post("/account/totp/confirm", name="account_totp_confirm")
def account_totp_confirm(request: Request, actor: PageActor, sealed: str = Form(""), code: str = Form("")) -> Response:
    """Store the offered secret once a code from the new authenticator entry matches it."""

    def work(session: Session) -> Response:
        _no_operator(actor)
        try:
            blob = base64.urlsafe_b64decode(sealed.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError) as error:
            raise InputError(
                Text("this enrolment form is not valid any more"), hint=Text("start the enrolment again")
            ) from error
        try:
            auth.confirm_totp(session=session, name=actor.name, sealed=blob, code=code)
        except UnforgottenError as error:
            offered = auth.reopen_offer(session=session, name=actor.name, sealed=blob)
            raise _Refusal(error, _offer(offered, blob) if offered else None) from error
        return RedirectResponse(f"{request.app.url_path_for('account_page')}?done=totp", status_code=303)

    return _attempt(request, actor, work)


def _no_operator(actor: Actor) -> None:
    if actor.operator:
        raise InputError(
            Text("the local operator has no account here"), hint=Text("accounts are for people who sign in")
        )
