"""Checking Outlook category names against the billing rules, one verdict per category."""

from __future__ import annotations

from typing import Any

from shared.domain.categories import category_issues, parse_category
from shared.services.api_models import CategoryCheckResult, CategoryVerdict


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
