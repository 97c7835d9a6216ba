from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devtools.keyvault_stub import KeyVaultStub
from shared.secrets import KeyVaultSecretReader, SecretAccessError


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, including azure.core's HTTP logging policy and azure-identity."""
    azure = logging.getLogger("azure")
    previous = azure.level
    azure.setLevel(logging.DEBUG)
    with caplog.at_level(logging.DEBUG):
        yield caplog
    azure.setLevel(previous)


def test_secret_values_and_tokens_never_reach_the_log(
    vault: KeyVaultStub,
    make_reader: Callable[..., KeyVaultSecretReader],
    credential: Any,
    everything_logged: pytest.LogCaptureFixture,
) -> None:
    planted = "planted-" + secrets.token_hex(12)
    vault.set_secret("graph-client-secret", planted)
    vault.set_secret("garbled", planted)
    vault.corrupt("garbled")
    vault.set_secret("locked", planted)
    vault.forbid("locked")
    reader = make_reader(ttl_seconds=0)

    assert reader.get("graph-client-secret") == planted
    assert reader.get("graph-client-secret") == planted
    errors = []
    for name in ("garbled", "locked", "missing"):
        with pytest.raises(SecretAccessError) as caught:
            reader.get(name)
        errors.append(str(caught.value))

    records = everything_logged.records
    # The HTTP logging policy did log the exchanges, so a leak would have been seen.
    assert any(r.name.startswith("azure.core.pipeline.policies.http_logging_policy") for r in records)
    assert any("/secrets/graph-client-secret" in r.getMessage() for r in records)
    logged = "\n".join(r.getMessage() for r in records) + everything_logged.text
    assert planted not in logged
    assert credential.token not in logged
    assert all(planted not in message for message in errors)
