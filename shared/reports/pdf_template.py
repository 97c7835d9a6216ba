"""A user's PDF template (company name, logo, footer text); anything unreadable falls back to the default."""

from __future__ import annotations

import base64
import binascii
import io
import json

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_LOGO_BYTES = 1_000_000


class PdfTemplate(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    company_name: str = Field(default="", max_length=120)
    footer_text: str = Field(default="Confidential", max_length=200)
    logo_png_base64: str | None = Field(default=None, repr=False)

    def logo_bytes(self) -> bytes | None:
        return base64.b64decode(self.logo_png_base64) if self.logo_png_base64 else None


DEFAULT_TEMPLATE = PdfTemplate()


class LoadedTemplate(BaseModel):
    template: PdfTemplate
    fallback_reason: str | None = None  # set when the stored template could not be used


def load_template(raw: bytes | None) -> LoadedTemplate:
    """The stored template, or the default with the reason it was not used (missing, not JSON, bad fields, bad logo)."""
    if raw is None:
        return LoadedTemplate(template=DEFAULT_TEMPLATE, fallback_reason="no template stored; default used")
    try:
        template = PdfTemplate.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as error:
        first = error.errors()[0]["msg"] if isinstance(error, ValidationError) else "not valid JSON"
        return LoadedTemplate(template=DEFAULT_TEMPLATE, fallback_reason=f"template unreadable ({first}); default used")
    problem = _logo_problem(template)
    if problem:
        return LoadedTemplate(template=DEFAULT_TEMPLATE, fallback_reason=f"template logo {problem}; default used")
    return LoadedTemplate(template=template)


def _logo_problem(template: PdfTemplate) -> str | None:
    if template.logo_png_base64 is None:
        return None
    try:
        data = base64.b64decode(template.logo_png_base64, validate=True)
    except (binascii.Error, ValueError):
        return "is not base64"
    if len(data) > MAX_LOGO_BYTES:
        return f"is larger than {MAX_LOGO_BYTES} bytes"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            if image.format not in ("PNG", "JPEG"):
                return "is neither PNG nor JPEG"
    except (UnidentifiedImageError, OSError, SyntaxError):
        return "is not a readable image"
    return None
