"""Archive job definitions (who is archived, from which calendar, when, in which time zone)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from azure.data.tables import TableClient

from shared.domain.jobs import ArchiveJob, valid_job_id
from shared.storage.codec import etag_of, without_none
from shared.storage.keys import user_key
from shared.storage.query import Filter, all_entities
from shared.storage.tables import TableStore, read_entity, write_entity

JOBS_TABLE = "ArchiveJobs"
JOB_PARTITION = "job"  # a handful of rows: one partition keeps listing a single-partition query


def job_to_entity(job: ArchiveJob) -> dict[str, Any]:
    return without_none(
        {
            "PartitionKey": JOB_PARTITION,
            "RowKey": job.id,
            "user": job.user,
            "user_key": user_key(job.user),
            "source_calendar": job.source_calendar,
            "archive_calendar": job.archive_calendar,
            "timezone": job.timezone,
            "strict": job.strict,
            "run_hour": job.run_hour,
            "enabled": job.enabled,
            "timesheets": job.timesheets,
        }
    )


def job_from_entity(entity: Mapping[str, Any]) -> ArchiveJob:
    return ArchiveJob(
        id=entity["RowKey"],
        user=entity["user"],
        source_calendar=entity.get("source_calendar"),
        archive_calendar=entity.get("archive_calendar", "Archive"),
        timezone=entity.get("timezone", "UTC"),
        strict=bool(entity.get("strict", False)),
        run_hour=int(entity.get("run_hour", 1)),
        enabled=bool(entity.get("enabled", True)),
        timesheets=bool(entity.get("timesheets", False)),
        etag=etag_of(entity),
    )


class TableJobRepository:
    def __init__(self, store: TableStore, table_name: str = JOBS_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)

    def get(self, job_id: str) -> ArchiveJob | None:
        if not valid_job_id(job_id):
            return None  # no job has such an id, and the service answers a `/` in a key with an error
        entity = read_entity(self._table(), JOB_PARTITION, job_id)
        return job_from_entity(entity) if entity else None

    def list(self, enabled_only: bool = False) -> builtins.list[ArchiveJob]:
        where = Filter().where("PartitionKey", "eq", JOB_PARTITION)
        if enabled_only:
            where.where("enabled", "eq", True)
        return [job_from_entity(e) for e in all_entities(self._table(), where)]

    def save(self, job: ArchiveJob) -> ArchiveJob:
        """With an ETag (from `get`/`list`) a concurrent change raises StaleEntityError; without, last write wins."""
        etag = write_entity(self._table(), job_to_entity(job), job.etag)
        return job.model_copy(update={"etag": etag})

    def delete(self, job_id: str) -> bool:
        table = self._table()
        if not valid_job_id(job_id) or read_entity(table, JOB_PARTITION, job_id) is None:
            return False
        table.delete_entity(JOB_PARTITION, job_id)
        return True
