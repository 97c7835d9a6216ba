"""Archive job definitions (who is archived, from which calendar, when, in which time zone)."""

from __future__ import annotations

import builtins

from shared.domain.jobs import ArchiveJob, valid_job_id
from shared.storage.entity_map import Derived, EntityMapper, Prop, plain
from shared.storage.entity_table import EntityTable
from shared.storage.keys import user_key
from shared.storage.query import Filter
from shared.storage.tables import TableStore

JOBS_TABLE = "ArchiveJobs"
JOB_PARTITION = "job"  # a handful of rows: one partition keeps listing a single-partition query

JOB_ROWS = EntityMapper(
    ArchiveJob,
    Derived(lambda job: {"PartitionKey": JOB_PARTITION, "user_key": user_key(job.user)}),
    Prop("id", "RowKey"),
    *plain("user", "source_calendar", "archive_calendar", "timezone", "strict", "run_hour", "enabled", "timesheets",
          "travel"),
)


class TableJobRepository:
    def __init__(self, store: TableStore, table_name: str = JOBS_TABLE) -> None:
        self._rows = EntityTable(store, table_name, JOB_ROWS)

    def get(self, job_id: str) -> ArchiveJob | None:
        # No job has an invalid id, and the service answers a `/` in a key with an error.
        return self._rows.get(JOB_PARTITION, job_id) if valid_job_id(job_id) else None

    def list(self, enabled_only: bool = False) -> builtins.list[ArchiveJob]:
        where = Filter().where("PartitionKey", "eq", JOB_PARTITION)
        if enabled_only:
            where.where("enabled", "eq", True)
        return self._rows.query(where)

    def save(self, job: ArchiveJob) -> ArchiveJob:
        """With an ETag (from `get`/`list`) a concurrent change raises StaleEntityError; without, last write wins."""
        return self._rows.save(job)

    def delete(self, job_id: str) -> bool:
        return valid_job_id(job_id) and self._rows.delete(JOB_PARTITION, job_id)
