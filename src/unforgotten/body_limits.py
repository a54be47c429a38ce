"""Request bodies are capped before they are read: an upload at ``max_upload_mb``, any other body at
``max_body_kb`` (issue 11, item 2).

Why an ASGI middleware, not a check in the route: by the time a FastAPI route sees an ``UploadFile`` the whole body
has been received and spooled to disk, so a 50 GB upload would fill the disk first. Here a declared
``Content-Length`` over the limit is refused before a byte is read, and a body without one (chunked) is counted as
it arrives and refused the moment it passes the limit. The refusal is problem+json 413 naming the limit and the
setting that raises it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

__all__ = ["BodyLimit"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOADS = ("multipart/form-data", "application/octet-stream")


class BodyLimit:
    """Refuse request bodies over the limit for their kind (uploads, everything else)."""

    def __init__(self, app: ASGIApp, *, upload_bytes: int, body_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes
        self.body_bytes = body_bytes

    def _limit(self, scope: Scope) -> tuple[int, str]:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        if content_type.startswith(_UPLOADS):
            return self.upload_bytes, f"{self.upload_bytes // (1 << 20)} MB (UNFORGOTTEN_MAX_UPLOAD_MB)"
        return self.body_bytes, f"{self.body_bytes // 1024} KB (UNFORGOTTEN_MAX_BODY_KB)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, named = self._limit(scope)
        detail = f"the request body is larger than the limit of {named}; send a smaller file or raise the limit"
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send, detail)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: FastAPI passes it through its body parsing (anything else becomes a 400).
                    raise HTTPException(status_code=413, detail=detail)
            return message

        await self.app(scope, counted, send)


async def _refuse(scope: Scope, send: Send, detail: str) -> None:
    body = {
        "type": "https://unforgotten.invalid/problems/HTTPError",
        "title": "Request body too large",
        "status": 413,
        "detail": detail,
        "instance": scope.get("path", ""),
    }
    payload = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(payload)).encode()),
               (b"connection", b"close")]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
