"""Graph-looking identifiers: event and calendar ids, iCalUIds, change keys, occurrence ids."""

from __future__ import annotations

import base64
import binascii
import os
import uuid
from datetime import date

ID_PREFIX = "AAMkA"
OCCURRENCE_PREFIX = "AAMkO"
# Exchange GlobalObjectId: class id, then 4 bytes of instance date (zero on a series master), then the rest.
ICAL_CLASS_ID = "040000008200E00074C5B7101A82E008"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def new_item_id() -> str:
    return f"{ID_PREFIX}{_b64(os.urandom(24))}AAA="


def new_guid() -> str:
    return str(uuid.uuid4())


def new_change_key() -> str:
    return base64.b64encode(os.urandom(16)).decode("ascii")


def etag(change_key: str) -> str:
    return f'W/"{change_key}"'


def new_ical_uid() -> str:
    return f"{ICAL_CLASS_ID}00000000{os.urandom(8).hex().upper()}{'0' * 16}10000000{uuid.uuid4().hex.upper()}"


def occurrence_ical_uid(master_uid: str, day: date) -> str:
    stamp = f"{day.year:04X}{day.month:02X}{day.day:02X}"
    if len(master_uid) >= 40 and master_uid.upper().startswith(ICAL_CLASS_ID):
        return master_uid[:32] + stamp + master_uid[40:]
    return f"{master_uid}-{stamp}"


def occurrence_id(master_id: str, original_start_stamp: str) -> str:
    return OCCURRENCE_PREFIX + _b64(f"{master_id}|{original_start_stamp}".encode())


def parse_occurrence_id(item_id: str) -> tuple[str, str] | None:
    """(series master id, original start stamp) when the id names an occurrence, else None."""
    if not item_id.startswith(OCCURRENCE_PREFIX):
        return None
    try:
        master_id, _, stamp = base64.urlsafe_b64decode(item_id[len(OCCURRENCE_PREFIX):]).decode().partition("|")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (master_id, stamp) if stamp else None
