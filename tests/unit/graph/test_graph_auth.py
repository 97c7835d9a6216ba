from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from shared.graph.auth import (
    GRAPH_APP_SCOPE,
    CredentialTokenProvider,
    DeviceCodeTokenProvider,
    MsalTokenProvider,
    StaticTokenProvider,
    certificate_credential,
)
from shared.graph.errors import GraphAuthError

SECRET = "s3cr3t-value-that-must-never-leak"


@dataclass
class AccessToken:
    token: str
    expires_on: int


class FakeCredential:
    def __init__(self, lifetime: int = 3600) -> None:
        self.calls: list[str] = []
        self.lifetime = lifetime
        self.now = 1_000_000.0
        self.fail: Exception | None = None

    def get_token(self, scope: str) -> AccessToken:
        self.calls.append(scope)
        if self.fail:
            raise self.fail
        return AccessToken(f"token-{len(self.calls)}", int(self.now) + self.lifetime)


def test_static_token_is_returned_and_hidden_from_repr() -> None:
    provider = StaticTokenProvider("abc.def")
    assert provider.get_token() == "abc.def"
    assert "abc" not in repr(provider)
    with pytest.raises(GraphAuthError):
        StaticTokenProvider("")


def test_credential_token_is_cached_until_five_minutes_before_expiry() -> None:
    credential = FakeCredential(lifetime=3600)
    provider = CredentialTokenProvider(credential, clock=lambda: credential.now)
    assert provider.get_token() == "token-1"
    credential.now += 3600 - 301
    assert provider.get_token() == "token-1"
    credential.now += 2
    assert provider.get_token() == "token-2"
    assert credential.calls == [GRAPH_APP_SCOPE, GRAPH_APP_SCOPE]


def test_credential_failure_becomes_a_graph_auth_error() -> None:
    credential = FakeCredential()
    credential.fail = RuntimeError("ManagedIdentityCredential authentication unavailable.\nlong trace")
    with pytest.raises(GraphAuthError, match="FakeCredential could not get a Graph token: ManagedIdentity") as info:
        CredentialTokenProvider(credential).get_token()
    assert "long trace" not in str(info.value)


class FakeConfidentialApp:
    built: list[dict[str, Any]] = []

    def __init__(self, client_id: str, *, authority: str, client_credential: Any) -> None:
        FakeConfidentialApp.built.append({"client_id": client_id, "authority": authority,
                                          "credential": client_credential})
        self.result: dict[str, Any] = {"access_token": "app-token", "expires_in": 3599}

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        assert scopes == [GRAPH_APP_SCOPE]
        return self.result


@pytest.fixture
def fake_msal(monkeypatch: pytest.MonkeyPatch) -> type[FakeConfidentialApp]:
    FakeConfidentialApp.built = []
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeConfidentialApp)
    return FakeConfidentialApp


def test_msal_app_is_built_once_and_reused(fake_msal: type[FakeConfidentialApp]) -> None:
    provider = MsalTokenProvider("tenant-1", "client-1", client_secret=SECRET)
    assert [provider.get_token() for _ in range(3)] == ["app-token"] * 3
    assert len(fake_msal.built) == 1
    assert fake_msal.built[0]["authority"] == "https://login.microsoftonline.com/tenant-1"
    assert fake_msal.built[0]["credential"] == SECRET
    assert SECRET not in repr(provider)


def test_msal_error_is_clear_and_never_contains_the_secret(fake_msal: type[FakeConfidentialApp]) -> None:
    provider = MsalTokenProvider("tenant-1", "client-1", client_secret=SECRET)
    provider.get_token()
    provider._app.result = {
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.\nTrace ID: 1\nCorrelation ID: 2",
    }
    with pytest.raises(GraphAuthError) as info:
        provider.get_token()
    text = str(info.value)
    assert "invalid_client: AADSTS7000215: Invalid client secret provided." in text
    assert "client-1" in text and SECRET not in text and "Trace ID" not in text


def test_msal_needs_exactly_one_credential() -> None:
    with pytest.raises(GraphAuthError, match="exactly one"):
        MsalTokenProvider("t", "c")
    with pytest.raises(GraphAuthError, match="exactly one"):
        MsalTokenProvider("t", "c", client_secret="x", certificate_pem="y")


def _pem_bundle() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "admin-assistant-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return key_pem, cert_pem


def test_certificate_pem_bundle_is_split_for_msal() -> None:
    key_pem, cert_pem = _pem_bundle()
    credential = certificate_credential(cert_pem + key_pem)
    assert credential == {"private_key": key_pem.strip(), "public_certificate": cert_pem.strip()}
    assert certificate_credential(key_pem, "AB12") == {"private_key": key_pem.strip(), "thumbprint": "AB12"}
    with pytest.raises(GraphAuthError, match="no PEM private key"):
        certificate_credential(cert_pem)
    with pytest.raises(GraphAuthError, match="no certificate"):
        certificate_credential(key_pem)


def test_certificate_provider_hands_msal_the_split_pem(fake_msal: type[FakeConfidentialApp]) -> None:
    key_pem, cert_pem = _pem_bundle()
    provider = MsalTokenProvider("tenant-1", "client-1", certificate_pem=key_pem + cert_pem)
    assert provider.get_token() == "app-token"
    assert fake_msal.built[0]["credential"] == {"private_key": key_pem.strip(), "public_certificate": cert_pem.strip()}


class FakePublicApp:
    def __init__(self) -> None:
        self.accounts: list[dict[str, str]] = []
        self.flows = 0

    def get_accounts(self) -> list[dict[str, str]]:
        return self.accounts

    def acquire_token_silent(self, scopes: list[str], account: dict[str, str]) -> dict[str, Any] | None:
        return {"access_token": "silent-token"}

    def initiate_device_flow(self, scopes: list[str]) -> dict[str, Any]:
        self.flows += 1
        return {"user_code": "ABCD", "message": "Go to https://microsoft.com/devicelogin and enter ABCD"}

    def acquire_token_by_device_flow(self, flow: dict[str, Any]) -> dict[str, Any]:
        self.accounts.append({"username": "me@contoso.com"})
        return {"access_token": "device-token"}


def test_device_code_prompts_once_then_is_silent() -> None:
    prompts: list[str] = []
    provider = DeviceCodeTokenProvider("tenant-1", "client-1", prompts.append)
    provider._app = app = FakePublicApp()
    assert provider.get_token() == "device-token"
    assert provider.get_token() == "silent-token"
    assert app.flows == 1 and prompts == ["Go to https://microsoft.com/devicelogin and enter ABCD"]


def test_device_code_cache_is_saved_for_the_owner_only(tmp_path: Any) -> None:
    path = tmp_path / "cache" / "msal.json"
    provider = DeviceCodeTokenProvider("tenant-1", "client-1", lambda message: None, cache_path=path)
    provider._app = FakePublicApp()
    provider._cache = msal.SerializableTokenCache()
    provider._cache.has_state_changed = True
    assert provider.get_token() == "device-token"
    assert path.stat().st_mode & 0o777 == 0o600
    msal.SerializableTokenCache().deserialize(path.read_text())
    assert provider._cache.has_state_changed is False
