"""Checking Outlook category names against the billing rules, one verdict per category."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shared.domain.categories import BillingType, category_issues, parse_category


class CategoryVerdict(BaseModel):
    category: str
    valid: bool
    customer: str | None = None
    billing_type: BillingType | None = None
    special: bool = False
    issues: list[str] = Field(default_factory=list)


class CategoryCheckResult(BaseModel):
    valid: bool = Field(description="True when every category is valid.")
    results: list[CategoryVerdict]


def check_categories(categories: list[Any]) -> CategoryCheckResult:
    verdicts = [_verdict(category) for category in categories]
    return CategoryCheckResult(valid=all(v.valid for v in verdicts), results=verdicts)


def _verdict(category: Any) -> CategoryVerdict:
    text = category if isinstance(category, str) else "" if category is None else str(category)
    parsed = parse_category(category)
    if parsed is None:
        return CategoryVerdict(category=text, valid=False, issues=category_issues(category))
    return CategoryVerdict(
        category=text, valid=True, customer=parsed.customer, billing_type=parsed.billing_type, special=parsed.special
    )
