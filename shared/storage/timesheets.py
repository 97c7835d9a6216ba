"""Timesheet records (Table Storage, one partition per user) and their files and content (Blob Storage)."""

from __future__ import annotations

import builtins
import contextlib
import json
import threading
from collections.abc import Mapping
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableClient
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings

from shared.domain.timesheet import customer_key
from shared.domain.timesheet_changes import snapshot_entries
from shared.domain.timesheet_models import IssuedEntry, IssuedSnapshot, Period, Timesheet
from shared.storage.codec import as_datetime, etag_of, without_none
from shared.storage.keys import user_key
from shared.storage.models import Page
from shared.storage.query import Filter, all_entities, query_page
from shared.storage.tables import TableStore, read_entity, write_entity
from shared.storage.timesheet_records import TimesheetFile, TimesheetRecord

TIMESHEETS_TABLE = "Timesheets"
TIMESHEETS_CONTAINER = "timesheets"
_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "json": "application/json"}


def record_to_entity(record: TimesheetRecord) -> dict[str, Any]:
    return without_none({
        "PartitionKey": user_key(record.user),
        "RowKey": record.id,
        "user": record.user,
        "customer": record.customer,
        "customer_key": customer_key(record.customer),
        "period_start": record.period.start.isoformat(),
        "period_end": record.period.end.isoformat(),
        "timezone": record.timezone,
        "status": record.status,
        "created_at": record.created_at,
        "issued_at": record.issued_at,
        "issued_by": record.issued_by,
        "effort_hours": str(record.effort_hours),
        "billable_hours": str(record.billable_hours),
        "entries": record.entries,
        "changes": record.changes,
        "needs_review": record.needs_review,
        "files": json.dumps([f.model_dump(mode="json") for f in record.files]),
    })


def record_from_entity(entity: Mapping[str, Any]) -> TimesheetRecord:
    return TimesheetRecord(
        id=entity["RowKey"],
        user=entity["user"],
        customer=entity["customer"],
        period=Period(start=entity["period_start"], end=entity["period_end"]),
        timezone=entity["timezone"],
        status=entity["status"],
        created_at=as_datetime(entity["created_at"]),
        issued_at=as_datetime(entity.get("issued_at")),
        issued_by=entity.get("issued_by"),
        effort_hours=entity["effort_hours"],
        billable_hours=entity["billable_hours"],
        entries=int(entity.get("entries", 0)),
        changes=int(entity.get("changes", 0)),
        needs_review=int(entity.get("needs_review", 0)),
        files=[TimesheetFile.model_validate(f) for f in json.loads(entity.get("files") or "[]")],
        etag=etag_of(entity),
    )


class TimesheetStore:
    """Records in a table; each timesheet's content (`content.json`) and files in `<user key>/<id>/` blobs."""

    def __init__(
        self, tables: TableStore, blobs: BlobServiceClient, table_name: str = TIMESHEETS_TABLE,
        container: str = TIMESHEETS_CONTAINER,
    ) -> None:
        self._tables = tables
        self._table_name = table_name
        self._blobs = blobs
        self._container_name = container
        self._container: ContainerClient | None = None
        self._lock = threading.Lock()

    # -- records ---------------------------------------------------------------------------------------------------

    def get(self, user: str, timesheet_id: str) -> TimesheetRecord | None:
        if not TimesheetRecord.valid_id(timesheet_id):
            return None
        entity = read_entity(self._table(), user_key(user), timesheet_id)
        return record_from_entity(entity) if entity else None

    def find(self, timesheet_id: str) -> TimesheetRecord | None:
        """By id alone: one query over the partitions (ids carry a digest of user, customer and period)."""
        if not TimesheetRecord.valid_id(timesheet_id):
            return None
        found = next(iter(all_entities(self._table(), Filter().where("RowKey", "eq", timesheet_id))), None)
        return record_from_entity(found) if found else None

    def list(self, user: str, page_size: int = 50, continuation: str | None = None) -> Page[TimesheetRecord]:
        where = Filter().where("PartitionKey", "eq", user_key(user))
        entities, token = query_page(self._table(), where, page_size, continuation)
        return Page[TimesheetRecord](items=[record_from_entity(e) for e in entities], continuation=token)

    def save(self, record: TimesheetRecord) -> TimesheetRecord:
        """With the record's ETag a concurrent change (e.g. a second issue) raises StaleEntityError."""
        etag = write_entity(self._table(), record_to_entity(record), record.etag)
        return record.model_copy(update={"etag": etag})

    def issued_for(self, user: str, customer: str) -> builtins.list[IssuedSnapshot]:
        where = (Filter().where("PartitionKey", "eq", user_key(user))
                 .where("customer_key", "eq", customer_key(customer)).where("status", "eq", "issued"))
        snapshots = []
        for entity in all_entities(self._table(), where):
            content = self.content(user, entity["RowKey"])
            if content is None:
                continue
            snapshots.append(IssuedSnapshot(timesheet_id=entity["RowKey"], customer=entity["customer"],
                                            period=content.period, entries=_snapshot(content)))
        return snapshots

    # -- blobs -----------------------------------------------------------------------------------------------------

    def put_content(self, user: str, timesheet_id: str, sheet: Timesheet) -> None:
        self._put(f"{user_key(user)}/{timesheet_id}/content.json", sheet.model_dump_json().encode(), "json")

    def content(self, user: str, timesheet_id: str) -> Timesheet | None:
        data = self.read_file(f"{user_key(user)}/{timesheet_id}/content.json")
        return Timesheet.model_validate_json(data) if data is not None else None

    def put_file(self, user: str, timesheet_id: str, kind: str, name: str, data: bytes) -> TimesheetFile:
        blob = f"{user_key(user)}/{timesheet_id}/{name}"
        self._put(blob, data, kind)
        return TimesheetFile(kind=kind, name=name, blob=blob, size=len(data))  # type: ignore[arg-type]

    def read_file(self, blob: str) -> bytes | None:
        try:
            return self._container_client().download_blob(blob).readall()
        except ResourceNotFoundError:
            return None

    def template(self, user: str) -> bytes | None:
        """The user's PDF template (JSON), if one was stored."""
        return self.read_file(f"templates/{user_key(user)}.json")

    def put_template(self, user: str, raw: bytes) -> None:
        self._put(f"templates/{user_key(user)}.json", raw, "json")

    def _put(self, blob: str, data: bytes, kind: str) -> None:
        self._container_client().upload_blob(
            blob, data, overwrite=True, content_settings=ContentSettings(content_type=_TYPES.get(kind)))

    def _table(self) -> TableClient:
        return self._tables.table(self._table_name)

    def _container_client(self) -> ContainerClient:
        with self._lock:
            if self._container is None:
                container = self._blobs.get_container_client(self._container_name)
                with contextlib.suppress(ResourceExistsError):
                    container.create_container()
                self._container = container
            return self._container


def _snapshot(sheet: Timesheet) -> builtins.list[IssuedEntry]:
    return snapshot_entries(sheet.entries)
