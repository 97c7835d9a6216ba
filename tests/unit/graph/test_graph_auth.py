from __future__ import annotations

from dataclasses import dataclass

import pytest

from shared.graph.app_token import MsalTokenProvider, certificate_credential
from shared.graph.auth import GRAPH_APP_SCOPE, CredentialTokenProvider, StaticTokenProvider
from shared.graph.errors import GraphAuthError
from tests.certificates import app_certificate

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


def test_msal_needs_exactly_one_credential() -> None:
    with pytest.raises(GraphAuthError, match="exactly one"):
        MsalTokenProvider("t", "c")
    with pytest.raises(GraphAuthError, match="exactly one"):
        MsalTokenProvider("t", "c", client_secret="x", certificate_pem="y")


def test_certificate_pem_bundle_is_split_for_msal() -> None:
    key_pem, cert_pem = app_certificate()
    credential = certificate_credential(cert_pem + key_pem)
    assert credential == {"private_key": key_pem.strip(), "public_certificate": cert_pem.strip()}
    assert certificate_credential(key_pem, "AB12") == {"private_key": key_pem.strip(), "thumbprint": "AB12"}
    with pytest.raises(GraphAuthError, match="no PEM private key"):
        certificate_credential(cert_pem)
    with pytest.raises(GraphAuthError, match="no certificate"):
        certificate_credential(key_pem)
