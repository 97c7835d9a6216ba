"""The routing key read from Key Vault when a request is sent: a rotated key is picked up without a restart, and a key
that cannot be read is a refused key (the plan goes on with estimates), never a crash and never the value."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.keyvault_stub import KeyVaultStub
from devtools.routes_simulator import RoutesSimulator
from devtools.routes_simulator.pytest_plugin import routes_sim  # noqa: F401
from shared.bootstrap import Container
from shared.config import Settings
from shared.routing.errors import RoutingKeyError
from shared.secrets import KeyVaultSecretReader


def _container(vault: KeyVaultStub, sim: RoutesSimulator, reader: KeyVaultSecretReader,
               monkeypatch: pytest.MonkeyPatch) -> Container:
    monkeypatch.delenv("GOOGLE_MAPS_API_KEY", raising=False)
    settings = Settings.model_validate({"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                                        "KEY_VAULT_URL": vault.vault_url, "ROUTES_BASE_URL": sim.base_url,
                                        "GOOGLE_MAPS_KEY_NAME": "maps-key"})
    return Container(settings, secrets=reader)


def test_the_key_comes_from_the_vault_per_request(vault: KeyVaultStub, routes_sim: RoutesSimulator,  # noqa: F811
                                                  make_reader: Callable[..., KeyVaultSecretReader],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    vault.set_secret("maps-key", routes_sim.api_key)
    routes = _container(vault, routes_sim, make_reader(), monkeypatch).routes
    assert routes is not None

    answer = routes.duration("1 Home Street, Reading", "Contoso HQ, Slough", None)

    assert answer is not None and answer.typical_seconds
    assert vault.reads("maps-key") >= 1


def test_an_unreadable_key_is_a_refused_key_naming_the_secret_not_its_value(
        vault: KeyVaultStub, routes_sim: RoutesSimulator,  # noqa: F811
        make_reader: Callable[..., KeyVaultSecretReader], monkeypatch: pytest.MonkeyPatch) -> None:
    vault.set_secret("maps-key", routes_sim.api_key)
    vault.forbid("maps-key")
    routes = _container(vault, routes_sim, make_reader(), monkeypatch).routes
    assert routes is not None

    with pytest.raises(RoutingKeyError) as caught:
        routes.duration("1 Home Street, Reading", "Contoso HQ, Slough", None)

    assert "maps-key" in str(caught.value) and routes_sim.api_key not in str(caught.value)
    assert routes_sim.requests == []
