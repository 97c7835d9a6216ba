"""Local Key Vault (secrets API over HTTPS) and managed identity endpoint, for tests and local runs."""

from devtools.keyvault_stub.identity import ManagedIdentityEndpointStub, TokenRequest
from devtools.keyvault_stub.server import DEFAULT_TENANT, KeyVaultStub, RecordedRequest

__all__ = ["DEFAULT_TENANT", "KeyVaultStub", "ManagedIdentityEndpointStub", "RecordedRequest", "TokenRequest"]
