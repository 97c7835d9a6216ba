"""Made-up credentials that tests plant in text to prove it is redacted; built at run time, never a real key."""

from __future__ import annotations

import base64

PLANTED_ACCOUNT_KEY = base64.b64encode(b"planted-account-key").decode()


def planted_storage_connection(account: str, **extra: str) -> str:
    """A storage connection string carrying PLANTED_ACCOUNT_KEY, shaped like Azure's."""
    parts = {"DefaultEndpointsProtocol": "https", "AccountName": account, "AccountKey": PLANTED_ACCOUNT_KEY, **extra}
    return "".join(f"{name}={value};" for name, value in parts.items())
