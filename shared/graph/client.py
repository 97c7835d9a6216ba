"""The one way this app talks HTTP to Microsoft Graph: auth headers, retries, paging, $batch, mailbox limits."""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from shared.graph.answers import error_from_response, json_body
from shared.graph.auth import TokenProvider
from shared.graph.batching import BatchRequest, BatchResponse, chunked, run_batch, validate_batch
from shared.graph.errors import GraphConnectionError, GraphError
from shared.graph.mailbox_gate import MAILBOX_GATE, MailboxGate
from shared.graph.retry_policy import Backoff, is_retryable_status

# Immutable ids survive moves between folders; UTC times keep our date arithmetic honest.
PREFER = 'IdType="ImmutableId", outlook.timezone="UTC"'
_QUERY_SAFE = "$,'()/:@"

log = logging.getLogger(__name__)


class GraphClient:
    def __init__(
        self,
        base_url: str,
        token_provider: TokenProvider,
        *,
        timeout: float = 30.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        mailbox_limit: int = 4,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        gate: MailboxGate = MAILBOX_GATE,
        pool_size: int = 32,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/")
        base = urlsplit(self.base_url)
        self._base_origin = (base.scheme.lower(), base.netloc.lower())
        self._base_path = base.path.rstrip("/")
        self._tokens = token_provider
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.mailbox_limit = mailbox_limit
        self._backoff = Backoff(backoff_base, backoff_max, rng)
        self._sleep = sleep
        self._gate = gate
        self._owns_session = session is None
        self._session = session or _pooled_session(pool_size)

    # -- single requests -------------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        mailbox: str | None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any] | None:
        """Send one request (path relative to base_url, or an absolute nextLink used as is) with retries.

        Returns the JSON body, or None for an empty answer (204). Raises a GraphError subclass naming the
        request when Graph refuses it or the attempts run out."""
        return self._request(method, path_or_url, mailbox=mailbox, permits=1, params=params, json=json,
                             headers=headers)

    def request_bytes(
        self,
        method: str,
        path: str,
        *,
        mailbox: str | None,
        data: bytes,
        content_type: str,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Like `request`, with a raw body (file content) instead of JSON; same retries and throttling."""
        return self._request(method, path, mailbox=mailbox, permits=1, params=params,
                             headers={"Content-Type": content_type}, data=data)

    def pages(
        self, path_or_url: str, *, mailbox: str | None, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every page body, following @odata.nextLink as an opaque URL; the last one may carry a deltaLink."""
        page = self.request("GET", path_or_url, mailbox=mailbox, params=params)
        while page is not None:
            yield page
            next_link = page.get("@odata.nextLink")
            if not next_link:
                return
            page = self.request("GET", str(next_link), mailbox=mailbox)

    def iter_pages(
        self, path_or_url: str, *, mailbox: str | None, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The items (`value`) of every page."""
        for page in self.pages(path_or_url, mailbox=mailbox, params=params):
            yield from page.get("value") or []

    # -- $batch ----------------------------------------------------------------------------------------------------

    def batch(self, items: Sequence[BatchRequest], *, mailbox: str | None) -> list[BatchResponse]:
        """One $batch (at most 20 items), resending only retryable failures; one response per item, in order."""
        validate_batch(items)
        if not items:
            return []

        def send_round(round_items: list[BatchRequest]) -> list[dict[str, Any]]:
            body = self._request(
                "POST", "/$batch", mailbox=mailbox, permits=len(round_items),
                json={"requests": [item.to_wire(PREFER) for item in round_items]},
            )
            return list((body or {}).get("responses") or [])

        return run_batch(items, send_round, max_attempts=self.max_attempts, backoff=self._backoff, sleep=self._sleep)

    def batch_all(self, items: Sequence[BatchRequest], *, mailbox: str | None) -> list[BatchResponse]:
        """Any number of items, split into $batch calls of 20 (ids must be unique across the whole list)."""
        ids = [item.id for item in items]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate $batch request ids")
        responses: list[BatchResponse] = []
        for chunk in chunked(items):
            responses.extend(self.batch(chunk, mailbox=mailbox))
        return responses

    # -- plumbing --------------------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        mailbox: str | None,
        permits: int,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
    ) -> dict[str, Any] | None:
        method = method.upper()
        url = self._absolute(path_or_url, params)
        shown = self._display(url)
        request_headers = _merge_headers(headers, client_request_id=str(uuid.uuid4()))
        attempts = 0

        def attempt() -> dict[str, Any] | None:
            nonlocal attempts
            attempts += 1
            return self._attempt(method, url, shown, mailbox, permits, request_headers, json, attempts, data)

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(_is_transient),
            sleep=self._sleep,
            before_sleep=_log_retry,
            reraise=True,
        )
        return retrying(attempt)

    def _attempt(
        self,
        method: str,
        url: str,
        shown: str,
        mailbox: str | None,
        permits: int,
        headers: dict[str, str],
        json: Any,
        attempt: int,
        data: bytes | None = None,
    ) -> dict[str, Any] | None:
        # The token is fetched per attempt: a long retry sequence may outlive it.
        headers = {**headers, "Authorization": f"Bearer {self._tokens.get_token()}"}
        with self._gate.hold(mailbox, permits, self.mailbox_limit):
            try:
                response = self._session.request(method, url, headers=headers, json=json, data=data,
                                                 timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                # ChunkedEncodingError: the connection dropped while the answer's body was being read.
                raise GraphConnectionError(
                    f"no answer ({type(exc).__name__})", method=method, url=shown, attempts=attempt
                ) from None
        if response.status_code < 400:
            return json_body(response)
        raise error_from_response(response, method, shown, attempt)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        return self._backoff.wait_for(state.attempt_number, getattr(exc, "retry_after", None))

    def _absolute(self, path_or_url: str, params: Mapping[str, Any] | None) -> str:
        if path_or_url.startswith(("https://", "http://")):
            target = urlsplit(path_or_url)
            if (target.scheme.lower(), target.netloc.lower()) != self._base_origin:
                # A nextLink is opaque but must never carry our bearer token to another host.
                raise ValueError(f"refusing to send a Graph request to {target.scheme}://{target.netloc}")
            url = path_or_url
        else:
            url = f"{self.base_url}/{path_or_url.lstrip('/')}"
        if params:
            # %20 rather than '+': OData parsers differ on '+', none on %20. Keep $, quotes and parens readable.
            query = urlencode({k: _param_text(v) for k, v in params.items()}, quote_via=quote, safe=_QUERY_SAFE)
            url += ("&" if "?" in url else "?") + query
        return url

    def _display(self, url: str) -> str:
        """The path relative to the version root, without the query (filters may hold personal data)."""
        path = urlsplit(url).path
        if self._base_path and path.startswith(self._base_path + "/"):
            path = path[len(self._base_path) :]
        return path

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GraphClient({self.base_url!r})"


def _pooled_session(pool_size: int) -> requests.Session:
    session = requests.Session()
    # Our own retry policy decides; urllib3 must not retry underneath it.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _merge_headers(extra: Mapping[str, str] | None, *, client_request_id: str) -> dict[str, str]:
    headers = {"Accept": "application/json", "Prefer": PREFER, "client-request-id": client_request_id}
    for name, value in (extra or {}).items():
        if name.lower() == "prefer":
            headers["Prefer"] = f"{PREFER}, {value}"
        elif name.lower() != "authorization":
            headers[name] = value
    return headers


def _param_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, GraphConnectionError):
        return True
    return isinstance(exc, GraphError) and exc.status is not None and is_retryable_status(exc.status)


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    if isinstance(exc, GraphError):
        log.warning("Graph %s %s: %s %s, attempt %d, retrying in %.2fs",
                    exc.method, exc.url, exc.status, exc.code, state.attempt_number, wait)
