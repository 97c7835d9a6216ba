"""The suggestion feature's adapters, mixed into the composition root's Adapters (kept apart for size).

The model client is built once per process; its key is read from Key Vault (or the environment) when a request is
sent, so a rotated secret is picked up, and it is never logged."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.ai.openai_model import CategoryModel
    from shared.ai.providers import KeyProvider
    from shared.config import Settings
    from shared.graph.client import GraphClient
    from shared.graph.master_categories import MasterCategoryService
    from shared.storage.protocols import (
        ModelAnswerCache,
        ModelUsageCounter,
        SuggestionRepository,
        SuggestionRuleRepository,
    )
    from shared.storage.tables import TableStore


class SuggestionAdapters:
    """Needs `settings`, `tables`, `graph`, `secrets` and `_credential()` from the class it is mixed into."""

    if TYPE_CHECKING:
        settings: Settings

        @property
        def tables(self) -> TableStore: ...

        @property
        def graph(self) -> GraphClient: ...

        @property
        def secrets(self) -> Any: ...

        def _credential(self) -> Any: ...

    @cached_property
    def suggestion_rules(self) -> SuggestionRuleRepository:
        from shared.storage.suggestion_rules import TableSuggestionRuleRepository

        return TableSuggestionRuleRepository(self.tables)

    @cached_property
    def suggestion_store(self) -> SuggestionRepository:
        from shared.storage.suggestions import TableSuggestionRepository

        return TableSuggestionRepository(self.tables)

    @cached_property
    def model_cache(self) -> ModelAnswerCache:
        from shared.storage.model_cache import TableModelCache

        return TableModelCache(self.tables)

    @cached_property
    def model_usage(self) -> ModelUsageCounter:
        from shared.storage.model_cache import TableModelUsage

        return TableModelUsage(self.tables)

    @cached_property
    def master_categories(self) -> MasterCategoryService:
        from shared.graph.master_categories import MasterCategoryService

        return MasterCategoryService(self.graph)

    @cached_property
    def category_model(self) -> CategoryModel | None:
        """None when no provider is configured: the model is off, not failing."""
        from shared.ai.providers import ModelSettings, azure_token_provider, category_model

        s = self.settings
        provider = s.model_provider
        settings = ModelSettings(provider=provider, model=s.openai_model, base_url=s.openai_endpoint,
                                 azure_endpoint=s.azure_openai_endpoint, azure_deployment=s.azure_openai_deployment)
        if provider == "azure":
            return category_model(settings, azure_token=azure_token_provider(self._credential()))
        if provider == "openai":
            return category_model(settings, api_key=self._openai_key())
        return None

    def _openai_key(self) -> KeyProvider:
        settings = self.settings
        if settings.openai_api_key:
            key = settings.openai_api_key
            return lambda: key
        name = settings.openai_api_key_name
        return lambda: self.secrets.get(name)
