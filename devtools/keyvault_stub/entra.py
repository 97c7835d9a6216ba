"""A local HTTPS stand-in for the Microsoft identity platform's v2.0 endpoints, for msal and azure-identity in tests.

Protocol followed (Microsoft identity platform v2.0): `GET /{tenant}/v2.0/.well-known/openid-configuration`;
`POST /{tenant}/oauth2/v2.0/token` (form-encoded) with `grant_type` `client_credentials` (a `client_secret`, or a
`client_assertion` of type `urn:ietf:params:oauth:client-assertion-type:jwt-bearer`: an RS256/PS256 JWT signed with a
registered certificate, or a federated token), `urn:ietf:params:oauth:grant-type:device_code` and `refresh_token`;
`POST /{tenant}/oauth2/v2.0/devicecode`. Errors are `{"error", "error_description", "error_codes"}` with 401 for
`invalid_client` and 400 otherwise. The stub records what was asked, never a secret.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from devtools.keyvault_stub.server import DEFAULT_TENANT
from devtools.keyvault_stub.serving import StubRunner, StubServer, TlsHandler

log = logging.getLogger(__name__)

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class TokenGrant:
    """One token request as the stub saw it: the grant, the client, how the client proved itself, the answer."""

    grant_type: str
    client_id: str
    proof: str  # "secret", "certificate", "federated", "none"
    scope: str
    status: int


@dataclass
class _Tenant:
    tenant_id: str
    lifetime: int
    url: str = ""
    client_secrets: dict[str, set[str]] = field(default_factory=dict)
    certificates: dict[str, list[x509.Certificate]] = field(default_factory=dict)
    federated: dict[str, set[str]] = field(default_factory=dict)
    public_clients: dict[str, str] = field(default_factory=dict)  # client id -> signed-in user's UPN
    device_codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # device code -> client id, scope
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> client id
    issued: set[str] = field(default_factory=set)
    grants: list[TokenGrant] = field(default_factory=list)
    device_flows: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class EntraStub:
    """Start with `with EntraStub() as entra:`; clients use `entra.authority_host` and trust `entra.ca_cert`."""

    def __init__(self, *, tenant_id: str = DEFAULT_TENANT, token_lifetime: int = 3599) -> None:
        self._tenant = _Tenant(tenant_id, token_lifetime)
        self._running = StubRunner("entra-stub-")

    @property
    def tenant_id(self) -> str:
        return self._tenant.tenant_id

    @property
    def authority_host(self) -> str:
        if not self._tenant.url:
            raise RuntimeError("the Entra stub is not running")
        return self._tenant.url

    @property
    def ca_cert(self) -> str:
        if self._running.ca_cert is None:
            raise RuntimeError("the Entra stub is not running")
        return str(self._running.ca_cert)

    def accept_secret(self, client_id: str, secret: str) -> None:
        with self._tenant.lock:
            self._tenant.client_secrets.setdefault(client_id, set()).add(secret)

    def revoke_secret(self, client_id: str, secret: str) -> None:
        with self._tenant.lock:
            self._tenant.client_secrets.get(client_id, set()).discard(secret)

    def accept_certificate(self, client_id: str, certificate_pem: str) -> None:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
        with self._tenant.lock:
            self._tenant.certificates.setdefault(client_id, []).append(certificate)

    def accept_federated(self, client_id: str, assertion: str) -> None:
        """A federated credential: this token (e.g. from a managed identity) proves the app."""
        with self._tenant.lock:
            self._tenant.federated.setdefault(client_id, set()).add(assertion)

    def sign_in(self, client_id: str, upn: str) -> None:
        """A public client whose device code flows `upn` completes at once."""
        with self._tenant.lock:
            self._tenant.public_clients[client_id] = upn

    @property
    def grants(self) -> list[TokenGrant]:
        with self._tenant.lock:
            return list(self._tenant.grants)

    @property
    def device_flows(self) -> int:
        with self._tenant.lock:
            return self._tenant.device_flows

    def issued(self, token: str) -> bool:
        with self._tenant.lock:
            return token in self._tenant.issued

    def start(self) -> EntraStub:
        server = _EntraServer(("127.0.0.1", 0), _EntraHandler, self._tenant)
        self._tenant.url = self._running.start(server, tls=True)
        return self

    def stop(self) -> None:
        self._running.stop()
        self._tenant.url = ""

    def __enter__(self) -> EntraStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _EntraServer(StubServer):
    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], tenant: _Tenant) -> None:
        super().__init__(address, handler)
        self.tenant = tenant


Answer = tuple[int, dict[str, Any]]


class _EntraHandler(TlsHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _EntraServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("Entra stub: " + format, *args)

    def do_GET(self) -> None:
        tenant = self.server.tenant
        base = f"{tenant.url}/{tenant.tenant_id}"
        if urlsplit(self.path).path.rstrip("/") != f"/{tenant.tenant_id}/v2.0/.well-known/openid-configuration":
            self._send(404, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found."})
            return
        self._send(200, {
            "issuer": f"{tenant.url}/{tenant.tenant_id}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "tenant_region_scope": "EU",
        })

    def do_POST(self) -> None:
        tenant = self.server.tenant
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        if path == f"/{tenant.tenant_id}/oauth2/v2.0/token":
            status, body = _token(tenant, form)
        elif path == f"/{tenant.tenant_id}/oauth2/v2.0/devicecode":
            status, body = _device_code(tenant, form)
        else:
            status, body = _error(404, "invalid_request", 90002, "No such endpoint.")
        self._send(status, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _error(status: int, error: str, code: int, description: str) -> Answer:
    trace = secrets.token_hex(8)
    return status, {"error": error, "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {trace}",
                    "error_codes": [code]}


def _token(tenant: _Tenant, form: dict[str, str]) -> Answer:
    grant_type, client_id = form.get("grant_type", ""), form.get("client_id", "")
    with tenant.lock:
        proof, failure = _client_proof(tenant, form)
        if failure is not None:
            answer = failure
        elif grant_type == "client_credentials":
            answer = _access(tenant, client_id, form.get("scope", ""), user=None)
        elif grant_type == DEVICE_CODE_GRANT:
            # Redeemed once; the grant covers the scope asked for when the flow started.
            code_client, scope = tenant.device_codes.pop(form.get("device_code", ""), ("", ""))
            answer = _for_user(tenant, code_client == client_id, client_id, scope)
        elif grant_type == "refresh_token":
            known = tenant.refresh_tokens.get(form.get("refresh_token", "")) == client_id
            answer = _for_user(tenant, known, client_id, form.get("scope", ""))
        else:
            answer = _error(400, "unsupported_grant_type", 70003, f"The grant type {grant_type!r} is not supported.")
        tenant.grants.append(TokenGrant(grant_type, client_id, proof, form.get("scope", ""), answer[0]))
    return answer


def _client_proof(tenant: _Tenant, form: dict[str, str]) -> tuple[str, Answer | None]:
    client_id = form.get("client_id", "")
    if "client_secret" in form:
        if form["client_secret"] in tenant.client_secrets.get(client_id, set()):
            return "secret", None
        return "secret", _error(401, "invalid_client", 7000215, "Invalid client secret provided.")
    if "client_assertion" in form:
        assertion = form["client_assertion"]
        if form.get("client_assertion_type") != JWT_BEARER:
            return "assertion", _error(400, "invalid_request", 900144, "client_assertion_type is missing.")
        if assertion in tenant.federated.get(client_id, set()):
            return "federated", None
        token_endpoint = f"{tenant.url}/{tenant.tenant_id}/oauth2/v2.0/token"
        if _signed_by(assertion, tenant.certificates.get(client_id, []), client_id, token_endpoint):
            return "certificate", None
        return "assertion", _error(401, "invalid_client", 700027, "Client assertion failed signature validation.")
    if client_id in tenant.public_clients:
        return "none", None
    return "none", _error(401, "invalid_client", 7000218, "The request body must contain client_secret or "
                                                             "client_assertion.")


def _signed_by(assertion: str, certificates: list[x509.Certificate], client_id: str, audience: str) -> bool:
    try:
        header_b64, claims_b64, signature_b64 = assertion.split(".")
        header = json.loads(_b64decode(header_b64))
        claims = json.loads(_b64decode(claims_b64))
        signature = _b64decode(signature_b64)
    except ValueError:
        return False
    if claims.get("iss") != client_id or claims.get("sub") != client_id or claims.get("aud") != audience:
        return False
    if float(claims.get("exp", 0)) < time.time():
        return False
    signed = f"{header_b64}.{claims_b64}".encode()
    schemes = {
        "RS256": padding.PKCS1v15(),
        "PS256": padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH),
    }
    scheme = schemes.get(header.get("alg", ""))
    for certificate in certificates:
        key = certificate.public_key()
        if scheme is None or not isinstance(key, rsa.RSAPublicKey):
            continue
        try:
            key.verify(signature, signed, scheme, hashes.SHA256())
        except InvalidSignature:
            continue
        return True
    return False


def _device_code(tenant: _Tenant, form: dict[str, str]) -> Answer:
    client_id = form.get("client_id", "")
    with tenant.lock:
        if client_id not in tenant.public_clients:
            return _error(400, "unauthorized_client", 700016, f"Application {client_id} was not found.")
        tenant.device_flows += 1
        device_code = secrets.token_urlsafe(24)
        tenant.device_codes[device_code] = (client_id, form.get("scope", ""))
    user_code = secrets.token_hex(4).upper()
    return 200, {
        "device_code": device_code, "user_code": user_code, "verification_uri": "https://microsoft.com/devicelogin",
        "expires_in": 900, "interval": 5,
        "message": f"To sign in, use a web browser to open https://microsoft.com/devicelogin and enter the code "
                   f"{user_code} to authenticate.",
    }


def _for_user(tenant: _Tenant, valid: bool, client_id: str, scope: str) -> Answer:
    if not valid:
        return _error(400, "invalid_grant", 70000, "The provided grant is invalid or expired.")
    return _access(tenant, client_id, scope, user=tenant.public_clients[client_id])


def _access(tenant: _Tenant, client_id: str, scope: str, *, user: str | None) -> Answer:
    token = secrets.token_urlsafe(32)
    tenant.issued.add(token)
    body: dict[str, Any] = {"token_type": "Bearer", "expires_in": tenant.lifetime, "ext_expires_in": tenant.lifetime,
                            "access_token": token, "scope": scope}
    if user is not None:
        object_id = "11111111-2222-3333-4444-" + format(abs(hash(user)) % 16**12, "012x")
        refresh = secrets.token_urlsafe(32)
        tenant.refresh_tokens[refresh] = client_id
        now = int(time.time())
        claims = {"aud": client_id, "iss": f"{tenant.url}/{tenant.tenant_id}/v2.0", "iat": now, "nbf": now,
                  "exp": now + tenant.lifetime, "oid": object_id, "sub": object_id, "tid": tenant.tenant_id,
                  "preferred_username": user, "name": user, "ver": "2.0"}
        body["id_token"] = ".".join(_b64encode(json.dumps(part).encode())
                                    for part in ({"alg": "none", "typ": "JWT"}, claims)) + "."
        body["refresh_token"] = refresh
        body["client_info"] = _b64encode(json.dumps({"uid": object_id, "utid": tenant.tenant_id}).encode())
        body["scope"] = " ".join(s for s in scope.split() if s not in ("openid", "profile", "offline_access"))
    return 200, body


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
