from __future__ import annotations

import pytest

from shared.config import GraphAuthMode, SettingsError, load_settings
from tests.planted import PLANTED_ACCOUNT_KEY, planted_storage_connection

NAMES = [
    "AzureWebJobsStorage", "AzureWebJobsStorage__accountName", "GRAPH_BASE_URL", "GRAPH_ACCESS_TOKEN",
    "GRAPH_AUTH_MODE", "AUDIT_TABLE", "CONFLICTS_TABLE", "SUBSCRIPTION_LIFETIME_MINUTES", "KEY_VAULT_URL",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_follow_the_public_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    settings = load_settings()
    assert settings.graph_base_url == "https://graph.microsoft.com/v1.0"
    assert (settings.audit_table, settings.conflicts_table) == ("AuditLog", "Conflicts")
    assert settings.subscription_lifetime_minutes == 10_080
    assert settings.effective_auth_mode is GraphAuthMode.MANAGED_IDENTITY


def test_a_static_token_selects_the_static_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    monkeypatch.setenv("GRAPH_ACCESS_TOKEN", "local-token")
    monkeypatch.setenv("GRAPH_AUTH_MODE", "client_secret")
    assert load_settings().effective_auth_mode is GraphAuthMode.STATIC


def test_identity_based_storage_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage__accountName", "stadminassistant")
    assert load_settings().storage_account_name == "stadminassistant"


def test_missing_storage_is_named() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value) == (
        "invalid settings: AzureWebJobsStorage (or AzureWebJobsStorage__accountName) is required"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AzureWebJobsStorage", "garbage"),
        ("GRAPH_BASE_URL", "graph.microsoft.com"),
        ("AUDIT_TABLE", "audit/log"),
        ("CONFLICTS_TABLE", "x"),
        ("SUBSCRIPTION_LIFETIME_MINUTES", "20000"),
        ("GRAPH_AUTH_MODE", "password"),
        ("KEY_VAULT_URL", "vault"),
    ],
)
def test_a_malformed_setting_is_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", "UseDevelopmentStorage=true")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_a_secret_value_never_appears_in_the_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", planted_storage_connection("x"))
    monkeypatch.setenv("GRAPH_BASE_URL", "not-a-url")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert PLANTED_ACCOUNT_KEY not in str(error.value)
