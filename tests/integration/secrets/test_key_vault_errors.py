from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError

from devtools.keyvault_stub import KeyVaultStub
from shared.secrets import KeyVaultSecretReader, SecretAccessError

DENIED_HINT = "(grant the app identity the Key Vault Secrets User role)"


def test_missing_secret_names_vault_and_secret(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    with pytest.raises(SecretAccessError) as caught:
        make_reader().get("graph-client-secret")

    assert str(caught.value) == f"secret 'graph-client-secret' not found in vault {vault.vault_url}"
    assert (caught.value.vault_url, caught.value.secret_name, caught.value.status_code) == (
        vault.vault_url,
        "graph-client-secret",
        404,
    )


def test_a_miss_is_not_cached(vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]) -> None:
    reader = make_reader()
    with pytest.raises(SecretAccessError):
        reader.get("created-later")
    vault.set_secret("created-later", "now-there")

    assert reader.get("created-later") == "now-there"


def test_denied_access_says_which_role_to_grant(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    vault.set_secret("graph-client-secret", "value")
    vault.forbid("graph-client-secret")

    with pytest.raises(SecretAccessError) as caught:
        make_reader().get("graph-client-secret")

    assert str(caught.value) == (
        f"access to secret 'graph-client-secret' in vault {vault.vault_url} was denied {DENIED_HINT}"
    )
    assert caught.value.status_code == 403


def test_unreachable_vault(credential: Any) -> None:
    with KeyVaultStub() as stopped:
        url = stopped.vault_url
    reader = KeyVaultSecretReader(url, credential, verify_challenge_resource=False, retry_total=0)

    with pytest.raises(SecretAccessError, match=r"^could not reach vault https://127\.0\.0\.1:\d+ to read secret 'x'"):
        reader.get("x")


def test_untrusted_certificate_is_refused(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    vault.set_secret("x", "value")

    with pytest.raises(SecretAccessError, match="CERTIFICATE_VERIFY_FAILED") as caught:
        make_reader(connection_verify=True).get("x")

    assert str(caught.value).startswith(f"could not reach vault {vault.vault_url} to read secret 'x'")
    assert vault.reads("x") == 0


class _NoIdentity:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise ClientAuthenticationError(message="ManagedIdentityCredential authentication unavailable.\nno endpoint")


def test_credential_failure_is_explained(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    vault.set_secret("x", "value")

    with pytest.raises(SecretAccessError) as caught:
        make_reader(credential=_NoIdentity()).get("x")

    assert str(caught.value) == (
        f"could not get a token to read secret 'x' from vault {vault.vault_url}: "
        "ManagedIdentityCredential authentication unavailable. | no endpoint"
    )


def test_token_rejected_by_the_vault(credential: Any) -> None:
    with KeyVaultStub(accepted_tokens={"only-this-token"}) as strict_vault:
        strict_vault.set_secret("x", "value")
        reader = KeyVaultSecretReader(
            strict_vault.vault_url,
            credential,
            connection_verify=strict_vault.ca_cert,
            verify_challenge_resource=False,
            retry_total=0,
        )
        with pytest.raises(SecretAccessError) as caught:
            reader.get("x")

    assert str(caught.value) == f"vault {reader.vault_url} rejected the access token for secret 'x' (HTTP 401)"
    assert caught.value.status_code == 401
    # The challenge, then one attempt with the token, then the SDK gives up.
    assert [r.status for r in strict_vault.requests] == [401, 401]


@pytest.mark.parametrize("name", ["", "../keys/signing", "name with spaces", "a" * 128, "secret?x=1"])
def test_invalid_names_are_refused_before_any_request(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader], name: str
) -> None:
    with pytest.raises(SecretAccessError, match="invalid secret name"):
        make_reader().get(name)

    assert vault.request_count == 0


def test_unreadable_answer_does_not_quote_the_body(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    vault.set_secret("garbled", "value-that-must-not-leak")
    vault.corrupt("garbled")

    with pytest.raises(SecretAccessError) as caught:
        make_reader().get("garbled")

    assert str(caught.value).startswith(f"vault {vault.vault_url} sent an unreadable answer for secret 'garbled'")
    assert "value-that-must-not-leak" not in str(caught.value)
    # No SDK exception rides along: its text would quote the response body.
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_missing_trust_file_is_reported_as_a_transport_failure(
    vault: KeyVaultStub, make_reader: Callable[..., KeyVaultSecretReader]
) -> None:
    with pytest.raises(SecretAccessError, match="^could not reach vault .*CA certificate bundle"):
        make_reader(connection_verify="/nonexistent/ca.pem").get("x")


def test_network_trace_logging_is_refused(vault: KeyVaultStub) -> None:
    with pytest.raises(ValueError, match="logging_enable"):
        KeyVaultSecretReader(vault.vault_url, logging_enable=True)


def test_plain_http_vault_url_is_refused() -> None:
    with pytest.raises(ValueError, match="https"):
        KeyVaultSecretReader("http://127.0.0.1:1")
