from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from devtools.keyvault_stub import DEFAULT_TENANT, KeyVaultStub
from shared.secrets import KeyVaultSecretReader


def test_reads_a_secret_through_the_key_vault_challenge(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader], credential
) -> None:
    vault.set_secret("graph-client-secret", "first-value")

    assert make_reader().get("graph-client-secret") == "first-value"

    # The SDK elicits the challenge with an unauthenticated request, then asks for a token for the challenge's
    # resource and tenant, then repeats the request with it.
    assert [(r.authorized, r.status) for r in vault.requests] == [(False, 401), (True, 200)]
    assert [scopes for scopes, _ in credential.requests] == [("https://vault.azure.net/.default",)]
    assert credential.requests[0][1]["tenant_id"] == DEFAULT_TENANT


def test_reads_the_current_version(vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    vault.set_secret("graph-client-secret", "old")
    vault.set_secret("graph-client-secret", "new")

    assert make_reader().get("graph-client-secret") == "new"


def test_cached_within_ttl_and_read_again_after(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader], clock
) -> None:
    vault.set_secret("graph-client-secret", "v1")
    reader = make_reader(ttl_seconds=300, clock=clock)

    assert reader.get("graph-client-secret") == "v1"
    requests_after_first_read = vault.request_count
    vault.set_secret("graph-client-secret", "v2")

    clock.advance(299)
    assert reader.get("graph-client-secret") == "v1"
    assert vault.request_count == requests_after_first_read

    clock.advance(2)
    assert reader.get("graph-client-secret") == "v2"
    assert vault.reads("graph-client-secret") == 2


def test_each_name_is_cached_separately(vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    vault.set_secret("one", "1")
    vault.set_secret("two", "2")
    reader = make_reader()

    assert [reader.get("one"), reader.get("two"), reader.get("one"), reader.get("two")] == ["1", "2", "1", "2"]
    assert (vault.reads("one"), vault.reads("two")) == (1, 1)


def test_invalidate_forces_a_fresh_read(vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    vault.set_secret("graph-client-secret", "before-rotation")
    reader = make_reader()
    reader.get("graph-client-secret")
    vault.set_secret("graph-client-secret", "after-rotation")

    reader.invalidate("graph-client-secret")

    assert reader.get("graph-client-secret") == "after-rotation"
    assert vault.reads("graph-client-secret") == 2


def test_concurrent_cold_reads_of_one_secret_make_one_request(credential) -> None:
    with KeyVaultStub(latency=0.2) as slow_vault:
        slow_vault.set_secret("graph-client-secret", "shared")
        reader = KeyVaultSecretReader(
            slow_vault.vault_url,
            credential,
            connection_verify=slow_vault.ca_cert,
            verify_challenge_resource=False,
            retry_total=0,
        )
        start = threading.Barrier(8)

        def read() -> str:
            start.wait(timeout=10)
            return reader.get("graph-client-secret")

        with ThreadPoolExecutor(max_workers=8) as pool:
            values = list(pool.map(lambda _: read(), range(8)))

        assert values == ["shared"] * 8
        assert slow_vault.reads("graph-client-secret") == 1


def test_the_cache_never_shows_a_value(vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    vault.set_secret("graph-client-secret", "cached-value-that-must-not-show")
    reader = make_reader()
    reader.get("graph-client-secret")

    # What a debugger, a `repr` in a log line or a traceback with locals would print.
    assert "cached-value-that-must-not-show" not in repr(vars(reader))
