"""Timesheet records (Table Storage, one partition per user) and their files and content (Blob Storage)."""

from __future__ import annotations

import builtins
import json

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

from shared.domain.timesheet import customer_key
from shared.domain.timesheet_changes import snapshot_entries
from shared.domain.timesheet_models import IssuedEntry, IssuedSnapshot, Period, Timesheet
from shared.storage.blobs import LazyContainer
from shared.storage.entity_map import Derived, EntityMapper, Prop, Spread, as_text, plain, utc
from shared.storage.entity_table import EntityTable
from shared.storage.keys import user_key
from shared.storage.models import Page
from shared.storage.query import Filter
from shared.storage.tables import TableStore
from shared.storage.timesheet_records import TimesheetFile, TimesheetRecord

TIMESHEETS_TABLE = "Timesheets"
TIMESHEETS_CONTAINER = "timesheets"
_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "json": "application/json"}


def _files_json(files: list[TimesheetFile]) -> str:
    return json.dumps([f.model_dump(mode="json") for f in files])


RECORD_ROWS = EntityMapper(
    TimesheetRecord,
    Derived(lambda record: {"PartitionKey": user_key(record.user), "customer_key": customer_key(record.customer)}),
    Prop("id", "RowKey"),
    *plain("user", "customer", "timezone", "status", "issued_by", "entries", "changes", "needs_review"),
    Spread("period", lambda period: {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()},
           lambda entity: Period(start=entity["period_start"], end=entity["period_end"])),
    utc("created_at"),
    utc("issued_at"),
    as_text("effort_hours"),
    as_text("billable_hours"),
    Prop("files", encode=_files_json, decode=json.loads),
)


class TimesheetStore:
    """Records in a table; each timesheet's content (`content.json`) and files in `<user key>/<id>/` blobs."""

    def __init__(
        self, tables: TableStore, blobs: BlobServiceClient, table_name: str = TIMESHEETS_TABLE,
        container: str = TIMESHEETS_CONTAINER,
    ) -> None:
        self._rows = EntityTable(tables, table_name, RECORD_ROWS)
        self._container = LazyContainer(blobs, container)

    # -- records ---------------------------------------------------------------------------------------------------

    def get(self, user: str, timesheet_id: str) -> TimesheetRecord | None:
        if not TimesheetRecord.valid_id(timesheet_id):
            return None
        return self._rows.get(user_key(user), timesheet_id)

    def find(self, timesheet_id: str) -> TimesheetRecord | None:
        """By id alone: one query over the partitions (ids carry a digest of user, customer and period)."""
        if not TimesheetRecord.valid_id(timesheet_id):
            return None
        return next(iter(self._rows.query(Filter().where("RowKey", "eq", timesheet_id))), None)

    def list(self, user: str, page_size: int = 50, continuation: str | None = None) -> Page[TimesheetRecord]:
        where = Filter().where("PartitionKey", "eq", user_key(user))
        items, token = self._rows.page(where, page_size, continuation)
        return Page[TimesheetRecord](items=items, continuation=token)

    def save(self, record: TimesheetRecord) -> TimesheetRecord:
        """With the record's ETag a concurrent change (e.g. a second issue) raises StaleEntityError."""
        return self._rows.save(record)

    def issued_for(self, user: str, customer: str) -> builtins.list[IssuedSnapshot]:
        where = (Filter().where("PartitionKey", "eq", user_key(user))
                 .where("customer_key", "eq", customer_key(customer)).where("status", "eq", "issued"))
        snapshots = []
        for entity in self._rows.entities(where):
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
            return self._container.client().download_blob(blob).readall()
        except ResourceNotFoundError:
            return None

    def template(self, user: str) -> bytes | None:
        """The user's PDF template (JSON), if one was stored."""
        return self.read_file(f"templates/{user_key(user)}.json")

    def put_template(self, user: str, raw: bytes) -> None:
        self._put(f"templates/{user_key(user)}.json", raw, "json")

    def _put(self, blob: str, data: bytes, kind: str) -> None:
        self._container.client().upload_blob(
            blob, data, overwrite=True, content_settings=ContentSettings(content_type=_TYPES.get(kind)))


def _snapshot(sheet: Timesheet) -> builtins.list[IssuedEntry]:
    return snapshot_entries(sheet.entries)
