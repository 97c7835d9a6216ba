"""Settings from the environment (app settings in Azure, local.settings.json / env locally)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_SUBSCRIPTION_MINUTES = 10_080
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"


class SettingsError(RuntimeError):
    """A missing or malformed setting; the message names it."""


class GraphAuthMode(StrEnum):
    STATIC = "static"
    CLIENT_SECRET = "client_secret"
    CERTIFICATE = "certificate"
    MANAGED_IDENTITY = "managed_identity"
    DEVICE_CODE = "device_code"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="ignore", case_sensitive=False, populate_by_name=True, env_ignore_empty=True
    )

    storage_connection: str | None = Field(default=None, alias="AzureWebJobsStorage")
    storage_account_name: str | None = Field(default=None, alias="AzureWebJobsStorage__accountName")
    storage_client_id: str | None = Field(default=None, alias="AzureWebJobsStorage__clientId")

    graph_base_url: str = Field(default="https://graph.microsoft.com/v1.0", alias="GRAPH_BASE_URL")
    graph_access_token: str | None = Field(default=None, alias="GRAPH_ACCESS_TOKEN")
    graph_auth_mode: GraphAuthMode | None = Field(default=None, alias="GRAPH_AUTH_MODE")
    graph_tenant_id: str | None = Field(default=None, alias="GRAPH_TENANT_ID")
    graph_client_id: str | None = Field(default=None, alias="GRAPH_CLIENT_ID")
    graph_client_secret: str | None = Field(default=None, alias="GRAPH_CLIENT_SECRET")
    graph_client_secret_name: str = Field(default="graph-client-secret", alias="GRAPH_CLIENT_SECRET_NAME")
    graph_certificate_name: str = Field(default="graph-certificate", alias="GRAPH_CERTIFICATE_NAME")
    graph_timeout_seconds: float = Field(default=30.0, gt=0, alias="GRAPH_TIMEOUT_SECONDS")
    graph_max_attempts: int = Field(default=6, ge=1, le=20, alias="GRAPH_MAX_ATTEMPTS")
    graph_token_cache_path: str | None = Field(default=None, alias="GRAPH_TOKEN_CACHE_PATH")
    authority_host: str = Field(default="https://login.microsoftonline.com", alias="AZURE_AUTHORITY_HOST")
    managed_identity_client_id: str | None = Field(default=None, alias="AZURE_CLIENT_ID")
    key_vault_url: str | None = Field(default=None, alias="KEY_VAULT_URL")

    audit_table: str = Field(default="AuditLog", alias="AUDIT_TABLE", pattern=r"^[A-Za-z][A-Za-z0-9]{2,62}$")
    conflicts_table: str = Field(default="Conflicts", alias="CONFLICTS_TABLE", pattern=r"^[A-Za-z][A-Za-z0-9]{2,62}$")

    archive_schedule: str = Field(default="0 5 * * * *", alias="ARCHIVE_SCHEDULE")
    notification_base_url: str | None = Field(default=None, alias="NOTIFICATION_BASE_URL")
    subscription_lifetime_minutes: int = Field(
        default=MAX_SUBSCRIPTION_MINUTES, ge=45, le=MAX_SUBSCRIPTION_MINUTES, alias="SUBSCRIPTION_LIFETIME_MINUTES"
    )
    notification_queue: str = Field(default="graph-notifications", alias="NOTIFICATION_QUEUE")
    timesheet_folder: str = Field(default="Timesheets/{customer}", min_length=1, alias="TIMESHEET_FOLDER")
    timesheet_schedule: str = Field(default="0 0 6 1 * *", alias="TIMESHEET_SCHEDULE")

    # Category suggestions: OpenAI (or a compatible endpoint) with a key, or Azure OpenAI with the app's identity.
    openai_api_key: str | None = Field(default=None, alias="OPENAI_API_KEY", repr=False)
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4o-mini", min_length=1, max_length=100, alias="OPENAI_MODEL")
    openai_api_key_name: str = Field(default="openai-api-key", pattern=r"^[0-9A-Za-z-]{1,127}$",
                                     alias="OPENAI_API_KEY_NAME")
    azure_openai_endpoint: str | None = Field(default=None, alias="AZURE_OPENAI_ENDPOINT")
    azure_openai_deployment: str | None = Field(default=None, max_length=64, alias="AZURE_OPENAI_DEPLOYMENT")
    suggestion_daily_calls: int = Field(default=50, ge=0, le=10_000, alias="SUGGESTION_DAILY_CALLS")
    suggestion_threshold: float = Field(default=0.6, ge=0, le=1, alias="SUGGESTION_THRESHOLD")

    # Travel: Google Routes API (its key from the environment locally, else from Key Vault when a request is sent).
    routes_base_url: str = Field(default="https://routes.googleapis.com", alias="ROUTES_BASE_URL")
    google_maps_api_key: str | None = Field(default=None, alias="GOOGLE_MAPS_API_KEY", repr=False)
    google_maps_key_name: str = Field(default="google-maps-api-key", pattern=r"^[0-9A-Za-z-]{1,127}$",
                                      alias="GOOGLE_MAPS_KEY_NAME")
    travel_days_ahead: int = Field(default=7, ge=1, le=31, alias="TRAVEL_DAYS_AHEAD")
    travel_schedule: str = Field(default="0 30 5 * * *", alias="TRAVEL_SCHEDULE")
    # How long changes to one day are gathered before the day is planned again (one plan per burst).
    travel_replan_delay_seconds: int = Field(default=60, ge=0, le=3600, alias="TRAVEL_REPLAN_DELAY_SECONDS")

    @field_validator("timesheet_schedule", "travel_schedule")
    @classmethod
    def _ncrontab(cls, value: str) -> str:
        from cronsim import CronSim, CronSimError

        # Six fields, seconds first, read in each job's own time zone.
        if len(value.split()) != 6:
            raise ValueError("must be six NCRONTAB fields (sec min hour day month day-of-week)")
        try:
            CronSim(value, datetime.now(UTC))
        except CronSimError as error:
            raise ValueError(f"is not valid NCRONTAB: {error}") from None
        return value

    @field_validator("graph_base_url", "notification_base_url", "key_vault_url", "openai_base_url",
                     "azure_openai_endpoint", "routes_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("authority_host")
    @classmethod
    def _https_url(cls, value: str) -> str:
        # Client secrets and assertions are posted to this host: never over plain HTTP.
        if not value.startswith("https://"):
            raise ValueError("must be an https URL")
        return value.rstrip("/")

    @field_validator("storage_connection")
    @classmethod
    def _connection_string(cls, value: str | None) -> str | None:
        if value is None or value == "UseDevelopmentStorage=true":
            return value
        if "=" not in value:
            raise ValueError("must be a storage connection string or UseDevelopmentStorage=true")
        return value

    @model_validator(mode="after")
    def _storage_present(self) -> Settings:
        if not self.storage_connection and not self.storage_account_name:
            raise ValueError("AzureWebJobsStorage (or AzureWebJobsStorage__accountName) is required")
        return self

    @property
    def model_provider(self) -> Literal["openai", "azure"] | None:
        """Azure OpenAI when endpoint and deployment are set; OpenAI with a key in the environment, or a vault and
        an explicitly configured base URL; else none (the model is off, rules and history still answer)."""
        if self.azure_openai_endpoint and self.azure_openai_deployment:
            return "azure"
        if self.openai_api_key or (self.key_vault_url and self.openai_base_url):
            return "openai"
        return None

    @property
    def openai_endpoint(self) -> str:
        return self.openai_base_url or DEFAULT_OPENAI_BASE_URL

    @property
    def effective_auth_mode(self) -> GraphAuthMode:
        if self.graph_access_token:
            return GraphAuthMode.STATIC
        return self.graph_auth_mode or GraphAuthMode.MANAGED_IDENTITY


def load_settings() -> Settings:
    """Read and validate settings; a bad setting raises SettingsError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            name = ".".join(str(p) for p in err["loc"])
            problems.append(f"{name}: {message}" if name else message)  # a whole-model check names its settings
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
