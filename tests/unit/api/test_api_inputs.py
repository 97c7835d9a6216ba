from __future__ import annotations

import datetime as dt

import pytest

from functions.http.queries import AuditQuery, ConflictQuery, parse_query
from shared.domain.errors import InvalidInput
from shared.services.category_check import check_categories
from shared.services.health import check_health


def test_query_strings_parse_with_aliases_and_empty_values_count_as_absent() -> None:
    query = parse_query(ConflictQuery, {"from": "2026-11-01", "to": "", "status": "open", "page_size": "5",
                                        "unknown": "x"})

    assert (query.from_, query.to, query.status, query.page_size) == (dt.date(2026, 11, 1), None, "open", 5)


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-11-02", "to": "2026-11-01"}, "to"),
    ({"from": "02/11/2026x"}, "from"),
    ({"page_size": "1001"}, "page_size"),
    ({"status": "closed"}, "status"),
])
def test_bad_query_values_name_the_parameter(params: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_query(ConflictQuery, params)

    assert refused.value.errors[0][0] == field
    assert refused.value.detail.startswith(f"{field}: ")


def test_audit_queries_take_an_action() -> None:
    assert parse_query(AuditQuery, {"action": "archive"}).action == "archive"


def test_every_category_gets_a_verdict() -> None:
    result = check_categories(["Acme Corp - billable", "Admin - non-billable", "Client - invalid", None])

    assert result.valid is False
    assert [(v.customer, v.billing_type, v.special, v.valid) for v in result.results] == [
        ("Acme Corp", "billable", False, True), ("Admin", "non-billable", True, True),
        (None, None, False, False), (None, None, False, False)]
    assert result.results[2].issues == ["Invalid billing type in category: Client - invalid"]
    assert result.results[3].issues == ["Empty or non-string category: None"]
    assert check_categories([]).valid is True


def test_health_names_the_failing_dependency_without_its_message() -> None:
    def broken() -> None:
        raise ConnectionError("AccountKey=secret refused")

    report = check_health({"storage": broken, "other": lambda: None})

    assert report.status == "unavailable"
    assert report.checks == {"storage": "unavailable (ConnectionError)", "other": "ok"}
    assert check_health({"storage": lambda: None}).model_dump() == {"status": "ok", "checks": {"storage": "ok"}}
