"""Errors raised by the Graph adapter; messages name the request, never a token, secret or query string."""

from __future__ import annotations


class GraphError(Exception):
    """A Graph request that failed for good (after the retries it was allowed)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        url: str | None = None,
        request_id: str | None = None,
        attempts: int = 1,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.url = url
        self.request_id = request_id
        self.attempts = attempts
        # Only meaningful while retrying: the server's requested pause before the next attempt.
        self.retry_after = retry_after

    def __str__(self) -> str:
        return describe_failure(self.method, self.url, self.attempts, self.status, self.code, self.message,
                                self.request_id)


class GraphAuthError(GraphError):
    """No access token could be obtained (bad credentials, consent missing, identity endpoint down)."""

    def __str__(self) -> str:
        return self.message


class GraphBadRequestError(GraphError):
    """400: the request is malformed; retrying cannot help."""


class GraphPermissionError(GraphError):
    """401/403: the token is not accepted for this resource."""


class GraphNotFoundError(GraphError):
    """404: the user, calendar, event or subscription does not exist."""


class GraphConflictError(GraphError):
    """409/412: the resource changed or already exists."""


class GraphGoneError(GraphError):
    """410: e.g. an expired delta token (syncStateNotFound); resync from scratch."""


class GraphThrottledError(GraphError):
    """429 after every allowed attempt."""


class GraphServiceError(GraphError):
    """5xx after every allowed attempt."""


class GraphConnectionError(GraphError):
    """No HTTP answer (connection refused/reset, timeout) after every allowed attempt."""


_BY_STATUS: dict[int, type[GraphError]] = {
    400: GraphBadRequestError,
    401: GraphPermissionError,
    403: GraphPermissionError,
    404: GraphNotFoundError,
    409: GraphConflictError,
    410: GraphGoneError,
    412: GraphConflictError,
    429: GraphThrottledError,
}


def error_class_for(status: int | None) -> type[GraphError]:
    if status is None:
        return GraphConnectionError
    if status >= 500:
        return GraphServiceError
    return _BY_STATUS.get(status, GraphError)


def describe_failure(
    method: str | None,
    url: str | None,
    attempts: int,
    status: int | None,
    code: str | None,
    message: str,
    request_id: str | None,
) -> str:
    target = f"Graph {method or '?'} {url or '?'}"
    tried = f" after {attempts} attempts" if attempts > 1 else ""
    answer = f"{status} {code}" if status is not None and code else (str(status) if status is not None else code)
    text = f"{target} failed{tried}: "
    text += f"{answer} {message}".strip() if answer else message
    if request_id:
        text += f" (request-id {request_id})"
    return text
