"""Text a person or a client gives us: anything printable, tabs and line breaks, but no other control characters.

They would end up in audit rows, CSV exports and table keys, where they corrupt or are refused. The pattern is
published in the API document, so clients (and contract tests) know the rule before they are refused by it."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

NO_CONTROL_CHARACTERS = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


PlainText = Annotated[str, AfterValidator(plain_text), Field(json_schema_extra={"pattern": NO_CONTROL_CHARACTERS})]
