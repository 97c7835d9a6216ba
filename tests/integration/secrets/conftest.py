"""Real azure-keyvault-secrets client code against the local Key Vault stub over HTTPS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken

from devtools.keyvault_stub import KeyVaultStub
from shared.secrets import KeyVaultSecretReader

FAKE_TOKEN = "fake-access-token-for-the-vault-stub"


class FakeCredential:
    """A TokenCredential that hands out a fixed token: Entra ID is a cloud service these tests cannot reach."""

    def __init__(self, token: str = FAKE_TOKEN) -> None:
        self.token = token
        self.requests: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.requests.append((scopes, kwargs))
        return AccessToken(self.token, int(time.time()) + 3600)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def vault() -> Iterator[KeyVaultStub]:
    with KeyVaultStub() as stub:
        yield stub


@pytest.fixture
def credential() -> FakeCredential:
    return FakeCredential()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_reader(vault: KeyVaultStub, credential: FakeCredential) -> Callable[..., KeyVaultSecretReader]:
    def build(**overrides: Any) -> KeyVaultSecretReader:
        options: dict[str, Any] = {
            "credential": credential,
            # Trust the stub's throw-away CA (an azure-core transport option).
            "connection_verify": vault.ca_cert,
            # The SDK checks that the challenge's resource (https://vault.azure.net) is a parent domain of the vault
            # host; the stub is on 127.0.0.1, so that check is off here and only here.
            "verify_challenge_resource": False,
            # Fail at once on transport errors instead of backing off between retries.
            "retry_total": 0,
        }
        options.update(overrides)
        return KeyVaultSecretReader(vault.vault_url, **options)

    return build
