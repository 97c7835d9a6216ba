"""Every Show As change we make for out-of-office, recorded like privacy changes (old and new value, who, why)
in a table of its own, so it can be reviewed and rolled back."""

from __future__ import annotations

from shared.storage.privacy_log import TablePrivacyLog
from shared.storage.tables import TableStore

SHOW_AS_TABLE = "ShowAsLog"


class TableShowAsLog(TablePrivacyLog):
    def __init__(self, store: TableStore, table_name: str = SHOW_AS_TABLE) -> None:
        super().__init__(store, table_name)
