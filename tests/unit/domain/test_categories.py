from __future__ import annotations

import pytest

from shared.domain.categories import (
    SPECIAL_CATEGORIES,
    ParsedCategory,
    category_issues,
    classify_categories,
    parse_category,
)


@pytest.mark.parametrize(
    ("category", "customer", "billing_type"),
    [
        ("Acme Corp - billable", "Acme Corp", "billable"),
        ("  Big Company  -  billable  ", "Big Company", "billable"),
        ("ONLINE", "Online", "online"),
        ("Online", "Online", "online"),
        ("Acme Corp - non-billable", "Acme Corp", "non-billable"),
        ("Acme Corp - Non-Billable", "Acme Corp", "non-billable"),
        ("Acme Corp - BILLABLE", "Acme Corp", "billable"),
        ("Billable - Acme Corp", "Acme Corp", "billable"),
        ("Non-billable - Acme Corp", "Acme Corp", "non-billable"),
        ("Admin - non-billable", "Admin", "non-billable"),
        ("Break - non-billable", "Break", "non-billable"),
        ("Smith-Jones Ltd - billable", "Smith-Jones Ltd", "billable"),
    ],
)
def test_valid_categories(category: str, customer: str, billing_type: str) -> None:
    assert category_issues(category) == []
    parsed = parse_category(category)
    assert parsed is not None
    assert (parsed.customer, parsed.billing_type) == (customer, billing_type)


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("Invalid Category", "Missing ' - ' separator in category: Invalid Category"),
        ("Too - Many - Dashes", "Too many ' - ' separators in category: Too - Many - Dashes"),
        (" - billable", "Empty customer name in category:  - billable"),
        ("Client - invalid", "Invalid billing type in category: Client - invalid"),
        ("", "Empty or non-string category: "),
        ("   ", "Empty or non-string category:    "),
        (None, "Empty or non-string category: None"),
        (42, "Empty or non-string category: 42"),
        ("Acme-billable", "Missing ' - ' separator in category: Acme-billable"),
        ("Acme -billable", "Missing ' - ' separator in category: Acme -billable"),
        ("Billable - ", "Empty customer name in category: Billable - "),
        ("Acme - online", "Invalid billing type in category: Acme - online"),
        # Checked in order: the separator count comes before the customer and billing type checks.
        (" - - invalid", "Too many ' - ' separators in category:  - - invalid"),
        (" - invalid", "Empty customer name in category:  - invalid"),
    ],
)
def test_invalid_categories_report_the_first_broken_rule(category: object, message: str) -> None:
    assert category_issues(category) == [message]
    assert parse_category(category) is None


def test_special_categories_are_valid_and_marked_special() -> None:
    for category in SPECIAL_CATEGORIES:
        parsed = parse_category(category)
        assert parsed is not None and parsed.special, category
    assert parse_category("Online") == ParsedCategory(customer="Online", billing_type="online", special=True)
    ordinary = parse_category("Acme - billable")
    assert ordinary is not None and not ordinary.special


def test_no_categories_is_personal() -> None:
    outcome = classify_categories([])
    assert outcome.personal and outcome.valid
    assert (outcome.customer, outcome.billing_type, outcome.issues) == (None, None, [])


def test_first_valid_category_decides_and_extra_ones_are_reported() -> None:
    outcome = classify_categories(["Acme - billable", "Other - non-billable"])
    assert (outcome.customer, outcome.billing_type, outcome.personal, outcome.valid) == (
        "Acme",
        "billable",
        False,
        True,
    )
    assert outcome.issues == ["Multiple valid categories found, using first: Acme - billable"]


def test_invalid_categories_are_reported_beside_a_valid_one() -> None:
    outcome = classify_categories(["Nonsense", "Billable - Acme"])
    assert (outcome.customer, outcome.billing_type, outcome.valid) == ("Acme", "billable", True)
    assert outcome.issues == ["Missing ' - ' separator in category: Nonsense"]


def test_only_invalid_categories_is_work_but_invalid() -> None:
    outcome = classify_categories(["Invalid Category", "Client - invalid"])
    assert not outcome.personal and not outcome.valid
    assert outcome.customer is None
    assert outcome.issues == [
        "Missing ' - ' separator in category: Invalid Category",
        "Invalid billing type in category: Client - invalid",
    ]


def test_online_category_gives_online_billing() -> None:
    outcome = classify_categories(["Online"])
    assert (outcome.customer, outcome.billing_type, outcome.special, outcome.issues) == ("Online", "online", True, [])
