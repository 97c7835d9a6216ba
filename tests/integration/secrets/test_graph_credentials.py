"""Graph app credentials as the app builds them from settings: real msal and azure-identity against the local identity
platform stub, the credential read from the Key Vault stub through the real reader."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.keyvault_stub import EntraStub, KeyVaultStub, ManagedIdentityEndpointStub, TokenRequest
from shared.config import Settings
from shared.graph.app_token import MsalTokenProvider
from shared.graph.errors import GraphAuthError
from shared.graph.factory import token_provider_from_settings
from shared.secrets import KeyVaultSecretReader
from tests.certificates import app_certificate

APP = "6d2b1c4e-8f3a-4b5c-9d7e-1a2b3c4d5e6f"
MANAGED_IDENTITY = "4f1f2c2e-0b6a-4d8e-9a51-6f1d2b3c4d5e"
OLD_SECRET = "old-secret-value-that-must-never-leak"
NEW_SECRET = "new-secret-value-that-must-never-leak"


def _entra(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Iterator[EntraStub]:
    with EntraStub(**options) as stub:
        # msal and azure-core send through requests, which trusts the CA bundle named here.
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", stub.ca_cert)
        yield stub


@pytest.fixture
def entra(monkeypatch: pytest.MonkeyPatch) -> Iterator[EntraStub]:
    yield from _entra(monkeypatch)


@pytest.fixture
def short_lived_entra(monkeypatch: pytest.MonkeyPatch) -> Iterator[EntraStub]:
    # Tokens this short are never reused (by msal or by us), so every get_token goes to the identity platform.
    yield from _entra(monkeypatch, token_lifetime=60)


def _settings(entra: EntraStub, **values: str) -> Settings:
    return Settings.model_validate({
        "AzureWebJobsStorage": "UseDevelopmentStorage=true", "GRAPH_TENANT_ID": entra.tenant_id,
        "GRAPH_CLIENT_ID": APP, "AZURE_AUTHORITY_HOST": entra.authority_host, **values,
    })


def _statuses(entra: EntraStub) -> list[int]:
    return [grant.status for grant in entra.grants]


def test_client_secret_is_read_from_the_vault(entra: EntraStub, vault: KeyVaultStub,
                                              make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    vault.set_secret("graph-client-secret", OLD_SECRET)
    entra.accept_secret(APP, OLD_SECRET)
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="client_secret"), make_reader())

    token = provider.get_token()

    assert entra.issued(token)
    assert provider.get_token() == token  # reused while valid: no second request
    [grant] = entra.grants
    assert (grant.grant_type, grant.client_id, grant.proof) == ("client_credentials", APP, "secret")
    assert "https://graph.microsoft.com/.default" in grant.scope.split()
    assert vault.reads("graph-client-secret") == 1


def test_rotated_secret_is_picked_up_when_the_old_one_is_rejected(
    short_lived_entra: EntraStub, vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader],
) -> None:
    entra = short_lived_entra
    vault.set_secret("graph-client-secret", OLD_SECRET)
    entra.accept_secret(APP, OLD_SECRET)
    # The vault cache is still fresh when the rotation happens: only the identity platform's refusal reveals it.
    reader = make_reader(ttl_seconds=3600)
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="client_secret"), reader)
    assert entra.issued(provider.get_token())

    vault.set_secret("graph-client-secret", NEW_SECRET)
    entra.accept_secret(APP, NEW_SECRET)
    entra.revoke_secret(APP, OLD_SECRET)

    assert entra.issued(provider.get_token())
    assert _statuses(entra) == [200, 401, 200]
    assert vault.reads("graph-client-secret") == 2


def test_rotated_secret_is_read_again_once_the_vault_cache_expires(
    short_lived_entra: EntraStub, vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader],
    clock: Any,
) -> None:
    entra = short_lived_entra
    vault.set_secret("graph-client-secret", OLD_SECRET)
    entra.accept_secret(APP, OLD_SECRET)
    reader = make_reader(ttl_seconds=60, clock=clock)
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="client_secret"), reader)
    provider.get_token()

    vault.set_secret("graph-client-secret", NEW_SECRET)
    entra.accept_secret(APP, NEW_SECRET)
    entra.revoke_secret(APP, OLD_SECRET)
    clock.advance(61)

    assert entra.issued(provider.get_token())
    assert _statuses(entra) == [200, 200]
    assert vault.reads("graph-client-secret") == 2


def test_a_secret_rejected_after_a_fresh_read_is_a_clear_error(
    entra: EntraStub, vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader],
    caplog: pytest.LogCaptureFixture,
) -> None:
    vault.set_secret("graph-client-secret", OLD_SECRET)  # never registered with the app
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="client_secret"), make_reader())

    with pytest.raises(GraphAuthError) as info:
        provider.get_token()

    message = str(info.value)
    assert f"client {APP}" in message and "invalid_client: AADSTS7000215" in message
    assert "Trace ID" not in message
    assert _statuses(entra) == [401]  # read again, found unchanged: not sent a second time
    assert vault.reads("graph-client-secret") == 2
    assert OLD_SECRET not in message and OLD_SECRET not in caplog.text


def test_certificate_from_the_vault_signs_the_client_assertion(
    entra: EntraStub, vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader],
) -> None:
    key_pem, cert_pem = app_certificate()
    vault.set_secret("graph-certificate", key_pem + cert_pem, content_type="application/x-pem-file")
    entra.accept_certificate(APP, cert_pem)
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="certificate"), make_reader())

    assert entra.issued(provider.get_token())
    assert [(g.proof, g.status) for g in entra.grants] == [("certificate", 200)]


def test_a_certificate_the_app_does_not_know_is_refused_without_showing_the_key(
    entra: EntraStub, vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader],
) -> None:
    key_pem, cert_pem = app_certificate()
    registered_key, registered = app_certificate()
    vault.set_secret("graph-certificate", key_pem + cert_pem)
    entra.accept_certificate(APP, registered)
    provider = token_provider_from_settings(_settings(entra, GRAPH_AUTH_MODE="certificate"), make_reader())

    with pytest.raises(GraphAuthError, match="invalid_client: AADSTS700027") as info:
        provider.get_token()
    assert "PRIVATE KEY" not in str(info.value)


def test_fixed_secret_from_settings_needs_no_vault(entra: EntraStub) -> None:
    entra.accept_secret(APP, OLD_SECRET)
    provider = token_provider_from_settings(
        _settings(entra, GRAPH_AUTH_MODE="client_secret", GRAPH_CLIENT_SECRET=OLD_SECRET)
    )
    assert isinstance(provider, MsalTokenProvider) and OLD_SECRET not in repr(provider)
    assert entra.issued(provider.get_token())


def test_managed_identity_federates_into_the_app_registration(entra: EntraStub,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with ManagedIdentityEndpointStub(client_ids={MANAGED_IDENTITY}) as identity:
        for name, value in identity.environment().items():
            monkeypatch.setenv(name, value)
        entra.accept_federated(APP, identity.token)
        provider = token_provider_from_settings(
            _settings(entra, GRAPH_AUTH_MODE="managed_identity", AZURE_CLIENT_ID=MANAGED_IDENTITY)
        )

        token = provider.get_token()

        assert entra.issued(token)
        assert identity.issued == [TokenRequest(resource="api://AzureADTokenExchange", client_id=MANAGED_IDENTITY)]
        assert [(g.grant_type, g.client_id, g.proof, g.status) for g in entra.grants] == [
            ("client_credentials", APP, "federated", 200)
        ]


def _device_code(entra: EntraStub, cache: Path, prompts: list[str]) -> Any:
    settings = _settings(entra, GRAPH_AUTH_MODE="device_code", GRAPH_TOKEN_CACHE_PATH=str(cache))
    return token_provider_from_settings(settings, prompt_callback=prompts.append)


def test_device_code_sign_in_is_kept_for_the_next_run(entra: EntraStub, tmp_path: Path) -> None:
    entra.sign_in(APP, "adele@contoso.com")
    cache = tmp_path / "config" / "admin-assistant" / "msal-token-cache.json"
    prompts: list[str] = []

    first = _device_code(entra, cache, prompts).get_token()
    second = _device_code(entra, cache, prompts).get_token()  # a new CLI process: same file, no prompt

    assert entra.issued(first) and second == first
    assert entra.device_flows == 1 and len(prompts) == 1 and "enter the code" in prompts[0]
    assert cache.stat().st_mode & 0o777 == 0o600
    assert cache.parent.stat().st_mode & 0o777 == 0o700
    assert first not in "".join(prompts)
    assert [p.name for p in cache.parent.iterdir()] == [cache.name]  # no temporary file left behind


def test_device_code_refreshes_silently_when_the_access_token_runs_out(short_lived_entra: EntraStub,
                                                                       tmp_path: Path) -> None:
    entra = short_lived_entra
    entra.sign_in(APP, "adele@contoso.com")
    cache = tmp_path / "msal.json"
    prompts: list[str] = []
    first = _device_code(entra, cache, prompts).get_token()

    second = _device_code(entra, cache, prompts).get_token()

    assert entra.issued(second) and second != first
    assert entra.device_flows == 1 and len(prompts) == 1
    assert [(g.grant_type, g.status) for g in entra.grants][-1] == ("refresh_token", 200)


def test_a_damaged_token_cache_costs_one_sign_in(entra: EntraStub, tmp_path: Path) -> None:
    entra.sign_in(APP, "adele@contoso.com")
    cache = tmp_path / "msal.json"
    cache.write_text("{not json", encoding="utf-8")
    prompts: list[str] = []

    assert entra.issued(_device_code(entra, cache, prompts).get_token())

    assert entra.device_flows == 1 and len(prompts) == 1
    assert "RefreshToken" in json.loads(cache.read_text(encoding="utf-8"))
