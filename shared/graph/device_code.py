"""Delegated Graph tokens for the CLI: a device-code sign-in whose msal cache is kept in the user's files."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shared.graph.auth import DEFAULT_AUTHORITY_HOST, first_line, msal_error_text, token_from_msal_result
from shared.graph.errors import GraphAuthError

# Delegated (device code, CLI): Calendars.ReadWrite covers the signed-in user's own calendars (and creating the
# archive calendar there); Calendars.ReadWrite.Shared is what reaches another person's calendar on their behalf, and
# Exchange still limits it to what that person shared or delegated to the signed-in user. See the README.
GRAPH_DELEGATED_SCOPES = (
    "https://graph.microsoft.com/Calendars.ReadWrite",
    "https://graph.microsoft.com/Calendars.ReadWrite.Shared",
)


class DeviceCodeTokenProvider:
    """Delegated tokens for the CLI: the user signs in once with a device code, later calls are silent.

    With `cache_path` the msal token cache (it holds a refresh token) is kept in that file, readable by the
    owner only, so the next CLI run does not prompt again."""

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        prompt_callback: Callable[[str], None],
        *,
        scopes: Sequence[str] = GRAPH_DELEGATED_SCOPES,
        authority_host: str = DEFAULT_AUTHORITY_HOST,
        cache_path: str | Path | None = None,
    ) -> None:
        if not tenant_id or not client_id:
            raise GraphAuthError("device code sign-in needs GRAPH_TENANT_ID and GRAPH_CLIENT_ID")
        self._cache_path = Path(cache_path) if cache_path else None
        self._cache: Any = None
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant_id}"
        self._scopes = list(scopes)
        self._prompt = prompt_callback
        self._app: Any = None
        self._lock = threading.Lock()

    def get_token(self) -> str:
        with self._lock:
            app = self._application()
            try:
                token = self._silent_token(app) or self._sign_in(app)
            except GraphAuthError:
                raise
            except Exception as exc:  # transport errors from msal; they carry no token
                failure = first_line(exc)
            else:
                self._save_cache()
                return token
            raise GraphAuthError(f"device code sign-in for client {self.client_id} failed: {failure}")

    def _silent_token(self, app: Any) -> str | None:
        accounts = app.get_accounts()
        if not accounts:
            return None
        result = app.acquire_token_silent(self._scopes, account=accounts[0])
        return str(result["access_token"]) if result and result.get("access_token") else None

    def _sign_in(self, app: Any) -> str:
        flow = app.initiate_device_flow(scopes=self._scopes)
        if "user_code" not in flow:
            raise GraphAuthError(f"device code sign-in could not start: {msal_error_text(flow)}")
        self._prompt(str(flow["message"]))
        result = app.acquire_token_by_device_flow(flow)
        return token_from_msal_result(result, f"device code sign-in for client {self.client_id}")

    def _application(self) -> Any:
        if self._app is None:
            import msal

            self._cache = msal.SerializableTokenCache()
            if self._cache_path is not None and self._cache_path.is_file():
                try:
                    self._cache.deserialize(self._cache_path.read_text(encoding="utf-8"))
                except ValueError:
                    # A damaged cache file costs one more sign-in, not a failed command; it is rewritten after it.
                    self._cache = msal.SerializableTokenCache()
            # instance_discovery off: see app_token.MsalTokenProvider._application.
            self._app = msal.PublicClientApplication(
                self.client_id, authority=self.authority, token_cache=self._cache, instance_discovery=False
            )
        return self._app

    def _save_cache(self) -> None:
        if self._cache_path is None or self._cache is None or not self._cache.has_state_changed:
            return
        # The cache holds a refresh token: the directory and the file are the owner's only. mkstemp creates the file
        # with mode 0600 and the rename replaces any older file, so neither half a cache nor a wider mode is seen.
        self._cache_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".msal-", dir=self._cache_path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(self._cache.serialize())
            os.replace(temporary, self._cache_path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._cache.has_state_changed = False


def default_token_cache_path() -> Path:
    """Where the CLI keeps its delegated sign-in: the user's configuration folder."""
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "admin-assistant" / "msal-token-cache.json"
