"""A local stand-in for the App Service / Functions managed identity endpoint (IDENTITY_ENDPOINT).

In Azure the Functions host exposes `GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=...&client_id=...` with
the `X-IDENTITY-HEADER: $IDENTITY_HEADER` header, and azure-identity's ManagedIdentityCredential calls it when both
variables are set. Pointing those variables here runs the real credential code without Azure.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devtools.keyvault_stub.serving import StubRunner, StubServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenRequest:
    resource: str | None
    client_id: str | None


@dataclass
class _Identity:
    identity_header: str
    token: str
    client_ids: frozenset[str]
    issued: list[TokenRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ManagedIdentityEndpointStub:
    """Issues `token` to requests carrying the identity header for one of `client_ids` (user-assigned identities)."""

    def __init__(self, client_ids: Collection[str], token: str | None = None) -> None:
        self._identity = _Identity(secrets.token_hex(16), token or secrets.token_urlsafe(24), frozenset(client_ids))
        self._running = StubRunner("identity-stub-")
        self._url = ""

    @property
    def endpoint(self) -> str:
        if not self._url:
            raise RuntimeError("the managed identity endpoint stub is not running")
        return f"{self._url}/msi/token"

    @property
    def identity_header(self) -> str:
        return self._identity.identity_header

    @property
    def token(self) -> str:
        return self._identity.token

    @property
    def issued(self) -> list[TokenRequest]:
        with self._identity.lock:
            return list(self._identity.issued)

    def environment(self) -> dict[str, str]:
        """The variables the Functions host sets for its managed identity endpoint."""
        return {"IDENTITY_ENDPOINT": self.endpoint, "IDENTITY_HEADER": self.identity_header}

    def start(self) -> ManagedIdentityEndpointStub:
        self._url = self._running.start(_IdentityServer(("127.0.0.1", 0), _IdentityHandler, self._identity), tls=False)
        return self

    def stop(self) -> None:
        self._running.stop()
        self._url = ""

    def __enter__(self) -> ManagedIdentityEndpointStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _IdentityServer(StubServer):
    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], identity: _Identity) -> None:
        super().__init__(address, handler)
        self.identity = identity


class _IdentityHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _IdentityServer

    def do_GET(self) -> None:
        identity = self.server.identity
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if self.headers.get("X-IDENTITY-HEADER") != identity.identity_header:
            self._send(401, {"statusCode": 401, "message": "Missing or wrong X-IDENTITY-HEADER."})
            return
        resource, client_id = query.get("resource"), query.get("client_id")
        if query.get("api-version") != "2019-08-01" or not resource:
            self._send(400, {"statusCode": 400, "message": "api-version 2019-08-01 and resource are required."})
            return
        if client_id not in identity.client_ids:
            message = "No managed identity found for specified ClientId/ResourceId/PrincipalId."
            self._send(400, {"statusCode": 400, "message": message})
            return
        with identity.lock:
            identity.issued.append(TokenRequest(resource, client_id))
        self._send(
            200,
            {
                "access_token": identity.token,
                "expires_on": str(int(time.time()) + 3600),
                "resource": resource,
                "token_type": "Bearer",
                "client_id": client_id,
            },
        )

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("managed identity stub: " + format, *args)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
