from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from shared.config import Settings, SettingsError
from shared.graph import factory
from shared.graph.app_token import FixedCredential, MsalTokenProvider, VaultCredential
from shared.graph.auth import CredentialTokenProvider, StaticTokenProvider
from shared.graph.client import GraphClient
from shared.graph.device_code import DeviceCodeTokenProvider
from shared.graph.errors import GraphAuthError

_GRAPH_ENV = ["GRAPH_ACCESS_TOKEN", "GRAPH_AUTH_MODE", "GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET",
              "AZURE_CLIENT_ID", "GRAPH_BASE_URL", "GRAPH_TIMEOUT_SECONDS", "GRAPH_MAX_ATTEMPTS",
              "AZURE_AUTHORITY_HOST", "GRAPH_TOKEN_CACHE_PATH"]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _GRAPH_ENV:
        monkeypatch.delenv(name, raising=False)


def _settings(**values: Any) -> Settings:
    return Settings(AzureWebJobsStorage="UseDevelopmentStorage=true", **values)


def test_static_token_needs_no_identity_library() -> None:
    code = (
        "import sys\n"
        "from shared.config import Settings\n"
        "from shared.graph.factory import graph_client_from_settings\n"
        "s = Settings(AzureWebJobsStorage='UseDevelopmentStorage=true', GRAPH_ACCESS_TOKEN='t',"
        " GRAPH_AUTH_MODE='client_secret')\n"
        "client = graph_client_from_settings(s)\n"
        "assert client._tokens.get_token() == 't'\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'msal' or m.startswith('azure.identity')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_client_settings_are_applied() -> None:
    client = factory.graph_client_from_settings(
        _settings(GRAPH_ACCESS_TOKEN="t", GRAPH_BASE_URL="http://127.0.0.1:9/v1.0/", GRAPH_TIMEOUT_SECONDS=7,
                  GRAPH_MAX_ATTEMPTS=3)
    )
    assert isinstance(client, GraphClient)
    assert (client.base_url, client.timeout, client.max_attempts) == ("http://127.0.0.1:9/v1.0", 7.0, 3)
    assert isinstance(client._tokens, StaticTokenProvider)


class DictVault:
    """A SecretReader over a dict, recording what was asked: the factory only wires it, nothing is read yet."""

    def __init__(self, **secrets: str) -> None:
        self.secrets = secrets
        self.asked: list[str] = []

    def get(self, name: str) -> str:
        self.asked.append(name)
        return self.secrets[name]

    def invalidate(self, name: str | None = None) -> None:
        return None


def test_client_secret_from_settings_or_key_vault() -> None:
    common = {"GRAPH_AUTH_MODE": "client_secret", "GRAPH_TENANT_ID": "t", "GRAPH_CLIENT_ID": "c"}
    direct = factory.token_provider_from_settings(_settings(GRAPH_CLIENT_SECRET="direct", **common))
    assert isinstance(direct, MsalTokenProvider)
    assert isinstance(direct._source, FixedCredential) and direct._source.read() == "direct"
    vault = DictVault(**{"graph-secret": "vaulted"})

    from_vault = factory.token_provider_from_settings(_settings(GRAPH_CLIENT_SECRET_NAME="graph-secret", **common),
                                                      vault)

    assert isinstance(from_vault, MsalTokenProvider) and isinstance(from_vault._source, VaultCredential)
    assert vault.asked == []  # read when a token is needed, so a rotation is seen without a restart
    assert from_vault._source.read() == "vaulted" and vault.asked == ["graph-secret"]
    with pytest.raises(SettingsError, match="KEY_VAULT_URL"):
        factory.token_provider_from_settings(_settings(**common))


def test_certificate_comes_from_key_vault() -> None:
    settings = _settings(GRAPH_AUTH_MODE="certificate", GRAPH_TENANT_ID="t", GRAPH_CLIENT_ID="c")
    with pytest.raises(SettingsError, match="graph-certificate"):
        factory.token_provider_from_settings(settings)
    empty = factory.token_provider_from_settings(settings, DictVault(**{"graph-certificate": ""}))
    with pytest.raises(GraphAuthError, match="'graph-certificate' holding the Graph credential is empty"):
        empty.get_token()
    pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nBBBB\n" \
          "-----END CERTIFICATE-----\n"
    provider = factory.token_provider_from_settings(settings, DictVault(**{"graph-certificate": pem}))
    assert isinstance(provider, MsalTokenProvider)
    assert provider._source.read() == {
        "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        "public_certificate": "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----",
    }


def test_missing_app_identity_is_named() -> None:
    with pytest.raises(SettingsError, match="GRAPH_TENANT_ID and GRAPH_CLIENT_ID"):
        factory.token_provider_from_settings(_settings(GRAPH_AUTH_MODE="client_secret", GRAPH_CLIENT_SECRET="x"))
    with pytest.raises(SettingsError, match="GRAPH_CLIENT_ID required"):
        factory.token_provider_from_settings(_settings(GRAPH_AUTH_MODE="device_code", GRAPH_TENANT_ID="t"))


def test_managed_identity_is_the_default_and_federates_when_an_app_is_named() -> None:
    from azure.identity import ClientAssertionCredential, ManagedIdentityCredential

    plain = factory.token_provider_from_settings(_settings(AZURE_CLIENT_ID="mi-client"))
    assert isinstance(plain, CredentialTokenProvider)
    assert isinstance(plain._credential, ManagedIdentityCredential)
    federated = factory.token_provider_from_settings(
        _settings(GRAPH_AUTH_MODE="managed_identity", GRAPH_TENANT_ID="t", GRAPH_CLIENT_ID="app")
    )
    assert isinstance(federated, CredentialTokenProvider)
    assert isinstance(federated._credential, ClientAssertionCredential)


def test_device_code_uses_the_given_prompt() -> None:
    prompts: list[str] = []
    provider = factory.token_provider_from_settings(
        _settings(GRAPH_AUTH_MODE="device_code", GRAPH_TENANT_ID="t", GRAPH_CLIENT_ID="c"),
        prompt_callback=prompts.append,
    )
    assert isinstance(provider, DeviceCodeTokenProvider)
    provider._prompt("enter code ABCD")
    assert prompts == ["enter code ABCD"]


def test_device_code_keeps_its_cache_in_the_user_configuration_folder(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Any) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    provider = factory.token_provider_from_settings(
        _settings(GRAPH_AUTH_MODE="device_code", GRAPH_TENANT_ID="t", GRAPH_CLIENT_ID="c")
    )
    assert isinstance(provider, DeviceCodeTokenProvider)
    assert provider._cache_path == tmp_path / "admin-assistant" / "msal-token-cache.json"


def test_the_authority_host_must_be_https() -> None:
    with pytest.raises(ValueError, match="AZURE_AUTHORITY_HOST"):
        _settings(AZURE_AUTHORITY_HOST="http://login.example.test")
    assert _settings(AZURE_AUTHORITY_HOST="https://login.microsoftonline.us/").authority_host == \
        "https://login.microsoftonline.us"
