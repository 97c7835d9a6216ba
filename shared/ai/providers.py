"""Which model serves the suggestions: OpenAI (an API key from Key Vault or the environment), Azure OpenAI (an
Entra token from azure-identity), or none. With none, rules and history still answer and runs say the model is off."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import httpx2
import openai
from pydantic import BaseModel, Field, model_validator

from shared.ai.openai_model import DEFAULT_MODEL, OpenAICategoryModel, http_client

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"
AZURE_API_VERSION = "2024-10-21"  # the latest GA version; structured outputs need 2024-08-01-preview or later

KeyProvider = Callable[[], str]


class ModelSettings(BaseModel):
    provider: Literal["openai", "azure"] | None = None
    model: str = DEFAULT_MODEL
    base_url: str | None = None  # OpenAI-compatible endpoint; None means api.openai.com
    azure_endpoint: str | None = None
    azure_deployment: str | None = None
    azure_api_version: str = AZURE_API_VERSION
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_retries: int = Field(default=2, ge=0, le=5)

    @model_validator(mode="after")
    def _complete(self) -> ModelSettings:
        if self.provider == "azure" and not (self.azure_endpoint and self.azure_deployment):
            raise ValueError("Azure OpenAI needs an endpoint and a deployment")
        return self


def openai_model(
    settings: ModelSettings, api_key: KeyProvider, *, transport: httpx2.BaseTransport | None = None
) -> OpenAICategoryModel:
    """`api_key` is called by the SDK before each request, so a rotated Key Vault secret is picked up."""
    client = openai.OpenAI(
        api_key=api_key, base_url=settings.base_url, max_retries=settings.max_retries,
        timeout=settings.timeout_seconds, http_client=http_client(settings.timeout_seconds, transport),
    )
    return OpenAICategoryModel(client, settings.model)


def azure_model(
    settings: ModelSettings, token_provider: KeyProvider, *, transport: httpx2.BaseTransport | None = None
) -> OpenAICategoryModel:
    if not settings.azure_endpoint:
        raise ValueError("Azure OpenAI needs an endpoint")
    client = openai.AzureOpenAI(
        azure_endpoint=settings.azure_endpoint, azure_deployment=settings.azure_deployment,
        api_version=settings.azure_api_version, azure_ad_token_provider=token_provider,
        max_retries=settings.max_retries, timeout=settings.timeout_seconds,
        http_client=http_client(settings.timeout_seconds, transport),
    )
    return OpenAICategoryModel(client, settings.azure_deployment or settings.model)


def azure_token_provider(credential: TokenCredential) -> KeyProvider:
    from azure.identity import get_bearer_token_provider

    return get_bearer_token_provider(credential, AZURE_SCOPE)


def category_model(
    settings: ModelSettings,
    *,
    api_key: KeyProvider | None = None,
    azure_token: KeyProvider | None = None,
) -> OpenAICategoryModel | None:
    """The configured model, or None when no provider is set (the model is then off, not failing)."""
    if settings.provider == "openai":
        if api_key is None:
            raise ValueError("OpenAI needs an API key provider (Key Vault secret openai-api-key or OPENAI_API_KEY)")
        return openai_model(settings, api_key)
    if settings.provider == "azure":
        if azure_token is None:
            raise ValueError("Azure OpenAI needs a token provider (azure_token_provider(credential))")
        return azure_model(settings, azure_token)
    return None
