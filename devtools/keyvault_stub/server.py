"""A local HTTPS server that answers like Azure Key Vault's secrets API, for tests.

Protocol followed (Key Vault REST, secrets): every request needs `api-version`; a request without a bearer token gets
401 with a `WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="https://vault.azure.net"`
challenge (the SDK sends a bodiless request first to elicit it); `GET /secrets/{name}[/{version}]` answers 200 with
`{"value", "id", "attributes"}`; errors are `{"error": {"code", "message"}}` (404 SecretNotFound, 403 Forbidden).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devtools.keyvault_stub.serving import StubRunner, StubServer, TlsHandler

log = logging.getLogger(__name__)

DEFAULT_TENANT = "00000000-0000-0000-0000-000000000000"
_SECRET_PATH = re.compile(r"^/secrets/(?P<name>[^/]+)(?:/(?P<version>[^/]*))?/?$")
_SECRET_NAME = re.compile(r"^[0-9A-Za-z-]{1,127}$")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    authorized: bool
    status: int


@dataclass
class _Version:
    version: str
    value: str
    content_type: str | None
    created: int


@dataclass
class _Vault:
    tenant_id: str
    accepted_tokens: frozenset[str] | None
    latency: float = 0.0
    url: str = ""
    versions: dict[str, list[_Version]] = field(default_factory=dict)
    forbidden: set[str] = field(default_factory=set)
    corrupt: set[str] = field(default_factory=set)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class KeyVaultStub:
    """Start with `with KeyVaultStub() as vault:`; clients trust `vault.ca_cert` and use `vault.vault_url`."""

    def __init__(
        self,
        *,
        tenant_id: str = DEFAULT_TENANT,
        accepted_tokens: Collection[str] | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """`accepted_tokens` None accepts any bearer token; `latency` delays secret answers (to expose races)."""
        tokens = frozenset(accepted_tokens) if accepted_tokens is not None else None
        self._vault = _Vault(tenant_id, tokens, latency)
        self._address = (host, port)
        self._running = StubRunner("kv-stub-")

    @property
    def vault_url(self) -> str:
        if not self._vault.url:
            raise RuntimeError("the Key Vault stub is not running")
        return self._vault.url

    @property
    def ca_cert(self) -> str:
        """Path of the CA certificate to trust (`connection_verify=` for the SDK)."""
        if self._running.ca_cert is None:
            raise RuntimeError("the Key Vault stub is not running")
        return str(self._running.ca_cert)

    def set_secret(self, name: str, value: str, content_type: str | None = None) -> str:
        """Add a new current version of a secret and return its version id."""
        if not _SECRET_NAME.fullmatch(name):
            raise ValueError(f"invalid Key Vault secret name {name!r}")
        version = _Version(secrets.token_hex(16), value, content_type, int(time.time()))
        with self._vault.lock:
            self._vault.versions.setdefault(name, []).append(version)
        return version.version

    def forbid(self, name: str) -> None:
        """Answer 403 for this secret, as for a caller without a role that allows reading it."""
        with self._vault.lock:
            self._vault.forbidden.add(name)

    def corrupt(self, name: str) -> None:
        """Answer 200 with a body that is not JSON (but contains the value), to test error hygiene."""
        with self._vault.lock:
            self._vault.corrupt.add(name)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._vault.lock:
            return list(self._vault.requests)

    @property
    def request_count(self) -> int:
        with self._vault.lock:
            return len(self._vault.requests)

    def reads(self, name: str) -> int:
        """Authorized GETs of this secret, whatever the answer."""
        with self._vault.lock:
            return sum(1 for r in self._vault.requests if r.authorized and _secret_name_of(r.path) == name)

    def start(self) -> KeyVaultStub:
        self._vault.url = self._running.start(_VaultServer(self._address, _VaultHandler, self._vault), tls=True)
        return self

    def stop(self) -> None:
        self._running.stop()
        self._vault.url = ""

    def __enter__(self) -> KeyVaultStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _VaultServer(StubServer):
    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], vault: _Vault) -> None:
        super().__init__(address, handler)
        self.vault = vault


class _VaultHandler(TlsHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KeyVaultStub"
    timeout = 10
    server: _VaultServer

    def do_GET(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("Key Vault stub: " + format, *args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        vault = self.server.vault
        url = urlsplit(self.path)
        token = _bearer_token(self.headers.get("Authorization"))
        authorized = token is not None and (vault.accepted_tokens is None or token in vault.accepted_tokens)
        status, body, headers = self._answer(vault, url.path, parse_qs(url.query), token, authorized)
        with vault.lock:
            vault.requests.append(RecordedRequest(self.command, url.path, authorized, status))
        self._send(status, body, headers)

    def _answer(
        self, vault: _Vault, path: str, query: dict[str, list[str]], token: str | None, authorized: bool
    ) -> tuple[int, bytes, dict[str, str]]:
        if not query.get("api-version"):
            return _error(400, "BadParameter", "The api-version query parameter is missing.")
        if not authorized:
            challenge = (
                f'Bearer authorization="https://login.microsoftonline.com/{vault.tenant_id}", '
                'resource="https://vault.azure.net"'
            )
            missing = "AKV10000: Request is missing a Bearer or PoP token."
            message = missing if token is None else "AKV10032: Invalid token."
            status, body, headers = _error(401, "Unauthorized", message)
            return status, body, {**headers, "WWW-Authenticate": challenge}
        match = _SECRET_PATH.match(path)
        if match is None:
            return _error(404, "NotFound", f"The path {path} is not served by this vault stub.")
        if self.command != "GET":
            return _error(405, "BadParameter", f"Method {self.command} is not supported by this vault stub.")
        return _secret_answer(vault, match["name"], match["version"] or "")

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-ms-keyvault-service-version", "1.9.0.0")
        self.send_header("x-ms-request-id", secrets.token_hex(8))
        self.end_headers()
        self.wfile.write(body)


def _secret_answer(vault: _Vault, name: str, version: str) -> tuple[int, bytes, dict[str, str]]:
    if vault.latency:
        time.sleep(vault.latency)
    with vault.lock:
        forbidden = name in vault.forbidden
        corrupt = name in vault.corrupt
        versions = list(vault.versions.get(name, []))
    if forbidden:
        return _error(
            403,
            "Forbidden",
            "Caller is not authorized to perform action on resource.\r\n"
            "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)\r\n",
            inner_code="ForbiddenByRbac",
        )
    found = [v for v in versions if v.version == version] if version else versions[-1:]
    if not found:
        shown = f"{name}/{version}" if version else name
        return _error(404, "SecretNotFound", f"A secret with (name/id) {shown} was not found in this key vault.")
    current = found[0]
    if corrupt:
        return 200, f"<html>{current.value}</html".encode(), {"Content-Type": "application/json; charset=utf-8"}
    body: dict[str, Any] = {
        "value": current.value,
        "id": f"{vault.url}/secrets/{name}/{current.version}",
        "attributes": {
            "enabled": True,
            "created": current.created,
            "updated": current.created,
            "recoveryLevel": "Recoverable+Purgeable",
            "recoverableDays": 90,
        },
        "tags": {},
    }
    if current.content_type:
        body["contentType"] = current.content_type
    return 200, json.dumps(body).encode(), {"Content-Type": "application/json; charset=utf-8"}


def _error(
    status: int, code: str, message: str, inner_code: str | None = None
) -> tuple[int, bytes, dict[str, str]]:
    error: dict[str, Any] = {"code": code, "message": message}
    if inner_code:
        error["innererror"] = {"code": inner_code}
    return status, json.dumps({"error": error}).encode(), {"Content-Type": "application/json; charset=utf-8"}


def _bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _secret_name_of(path: str) -> str | None:
    match = _SECRET_PATH.match(path)
    return match["name"] if match else None
