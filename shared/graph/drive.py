"""OneDrive uploads through Graph: one PUT up to 4 MB, an upload session above it.

The Graph calls (the PUT, creating the session) go through GraphClient, so throttling and retries apply. Fragments
go to the session's pre-authenticated upload URL with a plain HTTP session and no Authorization header; a failed
fragment is retried after asking the URL where to resume (`nextExpectedRanges`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests
from pydantic import BaseModel
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from shared.graph.client import GraphClient
from shared.graph.errors import GraphError, error_class_for

SIMPLE_LIMIT = 4 * 1024 * 1024
FRAGMENT_UNIT = 327_680  # fragments must be multiples of 320 KiB, except the last
DEFAULT_CHUNK = 10 * FRAGMENT_UNIT
CONFLICT = "@microsoft.graph.conflictBehavior"
_SHOWN = "upload session"  # the upload URL is a bearer credential of its own: never in errors or logs


class DriveItem(BaseModel):
    id: str
    name: str
    size: int
    web_url: str | None = None

    @classmethod
    def from_graph(cls, body: dict[str, Any]) -> DriveItem:
        return cls(id=str(body.get("id", "")), name=str(body.get("name", "")), size=int(body.get("size") or 0),
                   web_url=body.get("webUrl"))


class _FragmentFailed(Exception):
    """A fragment that may succeed when sent again from where the service says it stands."""


class DriveService:
    def __init__(
        self,
        client: GraphClient,
        *,
        simple_limit: int = SIMPLE_LIMIT,
        chunk_size: int = DEFAULT_CHUNK,
        fragment_attempts: int = 5,
        http: requests.Session | None = None,
        timeout: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if chunk_size <= 0 or chunk_size % FRAGMENT_UNIT:
            raise ValueError(f"chunk_size must be a positive multiple of {FRAGMENT_UNIT} bytes")
        self._client = client
        self._simple_limit = simple_limit
        self._chunk = chunk_size
        self._attempts = fragment_attempts
        self._http = http or requests.Session()
        self._timeout = timeout
        self._sleep = sleep

    def upload(
        self, user: str, path: str, data: bytes, *, content_type: str, conflict_behavior: str = "replace"
    ) -> DriveItem:
        """`path` is relative to the drive root (`Timesheets/Acme/x.pdf`). `fail` refuses to overwrite (409)."""
        if conflict_behavior not in ("fail", "replace", "rename"):
            raise ValueError(f"unknown conflict behavior {conflict_behavior!r}")
        if len(data) <= self._simple_limit:
            body = self._client.request_bytes(
                "PUT", self._item_path(user, path, "content"), mailbox=user, data=data, content_type=content_type,
                params={CONFLICT: conflict_behavior},
            )
            return DriveItem.from_graph(body or {})
        return self._session_upload(user, path, data, conflict_behavior)

    def _session_upload(self, user: str, path: str, data: bytes, behavior: str) -> DriveItem:
        name = path.rstrip("/").rsplit("/", 1)[-1]
        session = self._client.request(
            "POST", self._item_path(user, path, "createUploadSession"), mailbox=user,
            json={"item": {CONFLICT: behavior, "name": name, "fileSize": len(data)}},
        ) or {}
        url = str(session["uploadUrl"])
        offset = _first_expected(session.get("nextExpectedRanges")) or 0
        while True:
            offset, item = self._next_fragment(url, data, offset)
            if item is not None:
                return DriveItem.from_graph(item)

    def _next_fragment(self, url: str, data: bytes, offset: int) -> tuple[int, dict[str, Any] | None]:
        position = {"offset": offset, "resume": False}

        def attempt() -> tuple[int, dict[str, Any] | None]:
            if position["resume"]:
                position["offset"] = self._expected_offset(url)
            position["resume"] = True
            return self._send(url, data, int(position["offset"]))

        retrying = Retrying(
            stop=stop_after_attempt(self._attempts), wait=wait_exponential(multiplier=0.2, max=10),
            retry=retry_if_exception_type(_FragmentFailed), sleep=self._sleep, reraise=True,
        )
        try:
            return retrying(attempt)
        except _FragmentFailed as error:
            raise GraphError(f"upload failed: {error}", method="PUT", url=_SHOWN, attempts=self._attempts) from None

    def _send(self, url: str, data: bytes, offset: int) -> tuple[int, dict[str, Any] | None]:
        end = min(offset + self._chunk, len(data))
        headers = {"Content-Length": str(end - offset), "Content-Range": f"bytes {offset}-{end - 1}/{len(data)}"}
        try:
            response = self._http.put(url, data=data[offset:end], headers=headers, timeout=self._timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise _FragmentFailed(type(error).__name__) from None
        if response.status_code in (200, 201):
            return len(data), response.json()
        if response.status_code == 202:
            return _first_expected(response.json().get("nextExpectedRanges")) or end, None
        if response.status_code == 416 or response.status_code == 429 or response.status_code >= 500:
            # 416: the service already has (part of) this fragment, e.g. when its answer was lost.
            raise _FragmentFailed(f"{response.status_code} on bytes {offset}-{end - 1}")
        raise _error(response, "PUT")

    def _expected_offset(self, url: str) -> int:
        try:
            response = self._http.get(url, timeout=self._timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise _FragmentFailed(type(error).__name__) from None
        if response.status_code >= 500:
            raise _FragmentFailed(f"status query answered {response.status_code}")
        if response.status_code != 200:
            raise _error(response, "GET")  # 404: the session expired; the caller must start again
        offset = _first_expected(response.json().get("nextExpectedRanges"))
        if offset is None:
            raise _FragmentFailed("the session expects no more bytes but did not finish")
        return offset

    @staticmethod
    def _item_path(user: str, path: str, action: str) -> str:
        return f"/users/{quote(user, safe='@')}/drive/root:/{quote(path.strip('/'), safe='/')}:/{action}"


def _first_expected(ranges: Any) -> int | None:
    if not ranges:
        return None
    first = str(ranges[0]).split("-", 1)[0]
    return int(first) if first.isdigit() else None


def _error(response: requests.Response, method: str) -> GraphError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    return error_class_for(response.status_code)(
        str(error.get("message") or response.reason), status=response.status_code, code=error.get("code"),
        method=method, url=_SHOWN,
    )
