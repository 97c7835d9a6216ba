"""Outlook categories that say which customer an appointment is for and how it is billed."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

BillingType = Literal["billable", "non-billable", "online"]

SEPARATOR = " - "
_SEPARATORS = re.compile(r"(?= - )")
_BILLING_TYPES: dict[str, BillingType] = {"billable": "billable", "non-billable": "non-billable"}
ONLINE = "Online"
SPECIAL_CATEGORIES = ("Admin - non-billable", "Break - non-billable", ONLINE)
_SPECIAL_CUSTOMERS = {"admin", "break"}


class ParsedCategory(BaseModel):
    customer: str
    billing_type: BillingType
    special: bool = False


class CategoryOutcome(BaseModel):
    customer: str | None = None
    billing_type: BillingType | None = None
    personal: bool
    valid: bool
    special: bool = False
    issues: list[str] = []


def category_issues(c: object) -> list[str]:
    """The first rule a category breaks, checked in the order of the rules (empty when valid)."""
    if not isinstance(c, str) or not c.strip():
        return [f"Empty or non-string category: {c}"]
    if _is_online(c):
        return []
    # Overlapping occurrences count too: " - - " holds two separators sharing a space.
    separators = len(_SEPARATORS.findall(c))
    if separators == 0:
        return [f"Missing ' - ' separator in category: {c}"]
    if separators > 1:
        return [f"Too many ' - ' separators in category: {c}"]
    customer, billing = _split(c)
    if not customer:
        return [f"Empty customer name in category: {c}"]
    if billing.casefold() not in _BILLING_TYPES:
        return [f"Invalid billing type in category: {c}"]
    return []


def parse_category(c: object) -> ParsedCategory | None:
    if category_issues(c) or not isinstance(c, str):
        return None
    if _is_online(c):
        return ParsedCategory(customer=ONLINE, billing_type="online", special=True)
    customer, billing = _split(c)
    billing_type = _BILLING_TYPES[billing.casefold()]
    special = customer.casefold() in _SPECIAL_CUSTOMERS and billing_type == "non-billable"
    return ParsedCategory(customer=customer, billing_type=billing_type, special=special)


def classify_categories(categories: list[str]) -> CategoryOutcome:
    """No categories is personal; otherwise the first valid category decides; invalid ones are reported."""
    if not categories:
        return CategoryOutcome(personal=True, valid=True)
    issues: list[str] = []
    chosen: ParsedCategory | None = None
    chosen_text = ""
    extra_valid = False
    for category in categories:
        problems = category_issues(category)
        if problems:
            issues.extend(problems)
            continue
        parsed = parse_category(category)
        if chosen is None:
            chosen, chosen_text = parsed, category
        else:
            extra_valid = True
    if chosen is None:
        return CategoryOutcome(personal=False, valid=False, issues=issues)
    if extra_valid:
        issues.append(f"Multiple valid categories found, using first: {chosen_text}")
    return CategoryOutcome(
        customer=chosen.customer,
        billing_type=chosen.billing_type,
        personal=False,
        valid=True,
        special=chosen.special,
        issues=issues,
    )


def _is_online(c: str) -> bool:
    return c.strip().casefold() == ONLINE.casefold()


def _split(c: str) -> tuple[str, str]:
    """(customer, billing type text), accepting the reversed `Billable - <customer>` form."""
    left, right = (part.strip() for part in c.split(SEPARATOR))
    if left.casefold() in _BILLING_TYPES and right.casefold() not in _BILLING_TYPES:
        return right, left
    return left, right
