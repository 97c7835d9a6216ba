"""Local Key Vault (secrets API over HTTPS), identity platform and managed identity endpoint, for tests."""

from devtools.keyvault_stub.entra import EntraStub, TokenGrant
from devtools.keyvault_stub.identity import ManagedIdentityEndpointStub, TokenRequest
from devtools.keyvault_stub.server import DEFAULT_TENANT, KeyVaultStub, RecordedRequest

__all__ = [
    "DEFAULT_TENANT",
    "EntraStub",
    "KeyVaultStub",
    "ManagedIdentityEndpointStub",
    "RecordedRequest",
    "TokenGrant",
    "TokenRequest",
]
