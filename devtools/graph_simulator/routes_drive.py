"""Handlers for OneDrive uploads: `PUT .../drive/root:/{path}:/content`, `POST ...:/createUploadSession`, and the
pre-authenticated upload URL the simulator serves itself (fragments, status, cancel)."""

from __future__ import annotations

import json
import re
from typing import Any

from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.drive_store import SIMPLE_UPLOAD_LIMIT, drive_item, next_expected
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.models import GraphRequest, GraphResponse

# Graph's path-addressed form: the item path sits between `root:` and `:`, and holds slashes of its own.
DRIVE_PATH = re.compile(r"^/users/(?P<user>[^/]+)/drive/root:/(?P<path>.+?):/(?P<action>content|createUploadSession)$",
                        re.IGNORECASE)
UPLOAD_PREFIX = "/upload/drive/"
CONFLICT = "@microsoft.graph.conflictBehavior"
WEB_ROOT = "https://contoso-my.sharepoint.com"


def match(method: str, path: str) -> tuple[Any, dict[str, str]] | None:
    found = DRIVE_PATH.match(path)
    if found is None:
        return None
    action = found.group("action").lower()
    params = {"user": found.group("user"), "path": found.group("path")}
    if action == "content" and method == "PUT":
        return put_content, params
    if action == "createuploadsession" and method == "POST":
        return create_upload_session, params
    raise GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")


def put_content(ctx: RouteContext, req: GraphRequest, user: str, path: str) -> GraphResponse:
    upn = ctx.store.mailbox(user).upn
    data = _raw(req.body)
    if len(data) > SIMPLE_UPLOAD_LIMIT:
        raise GraphError(413, "RequestEntityTooLarge", "The maximum request length supported is 4MB.")
    item, created = ctx.store.drive.put(upn, path, data, req.param(CONFLICT) or "replace")
    return GraphResponse(201 if created else 200, drive_item(upn, item, ctx.base_url(), WEB_ROOT))


def create_upload_session(ctx: RouteContext, req: GraphRequest, user: str, path: str) -> GraphResponse:
    upn = ctx.store.mailbox(user).upn
    item = (req.body or {}).get("item") or {} if isinstance(req.body, dict) else {}
    behaviour = item.get(CONFLICT) or req.param(CONFLICT) or "fail"  # the documented default for sessions
    size = item.get("fileSize")
    session = ctx.store.drive.open_session(upn, path, int(size) if size is not None else None, behaviour)
    origin = ctx.base_url().rsplit("/v1.0", 1)[0]
    return GraphResponse(200, {
        "uploadUrl": f"{origin}{UPLOAD_PREFIX}{session.id}",
        "expirationDateTime": session.expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "nextExpectedRanges": next_expected(session),
    })


def upload_url(ctx: RouteContext, method: str, session_id: str, headers: dict[str, str], body: bytes) -> GraphResponse:
    """The upload URL: no Authorization expected (a client that sends one is refused, as Graph may)."""
    if any(k.lower() == "authorization" for k in headers):
        raise GraphError(401, "unauthenticated", "The upload URL is pre-authenticated; do not send Authorization.")
    drive = ctx.store.drive
    if method == "GET":
        session = drive.session(session_id)
        return GraphResponse(200, {"expirationDateTime": session.expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                                   "nextExpectedRanges": next_expected(session)})
    if method == "DELETE":
        drive.cancel(session_id)
        return GraphResponse(204)
    if method != "PUT":
        raise GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
    content_range = next((v for k, v in headers.items() if k.lower() == "content-range"), None)
    session, done = drive.receive(session_id, content_range, body)
    if done is None:
        return GraphResponse(202, {"expirationDateTime": session.expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                                   "nextExpectedRanges": next_expected(session)})
    return GraphResponse(201, drive_item(session.user, done, ctx.base_url(), WEB_ROOT))


def _raw(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    return b"" if body is None else json.dumps(body).encode()
