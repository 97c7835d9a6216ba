from __future__ import annotations

from openapi_spec_validator import validate

from tests.e2e.api.conftest import Call, assert_problem


def test_categories_get_a_verdict_each_with_the_rules_messages(call: Call) -> None:
    checked = call("POST", "categories/validate",
                   json={"categories": ["Acme Corp - billable", "Billable - Big Co", "Too - Many - Dashes", "ONLINE",
                                        "", 42]})

    assert checked.status_code == 200
    body = checked.json()
    assert body["valid"] is False
    verdicts = [(r["customer"], r["billing_type"], r["issues"]) for r in body["results"]]
    assert verdicts == [
        ("Acme Corp", "billable", []),
        ("Big Co", "billable", []),
        (None, None, ["Too many ' - ' separators in category: Too - Many - Dashes"]),
        ("Online", "online", []),
        (None, None, ["Empty or non-string category: "]),
        (None, None, ["Empty or non-string category: 42"]),
    ]
    assert_problem(call("POST", "categories/validate", json={"categories": "Acme - billable"}), 400, "categories")
    assert_problem(call("POST", "categories/validate", json={}), 400, "categories")


def test_bodies_no_handler_could_answer_are_400_not_500(call: Call) -> None:
    deep = b'{"categories": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    for path in ("categories/validate", "conflicts/20261009-00000000000000000000/resolve", "jobs/some-job", "archive"):
        method = "PUT" if path.startswith("jobs/") else "POST"
        assert_problem(call(method, path, data=deep), 400, "body")
    lone_surrogate = rb'{"categories": ["\ud800 - billable"]}'
    assert_problem(call("POST", "categories/validate", data=lone_surrogate), 400, "body")


def test_health_reports_storage_ok(call: Call) -> None:
    answer = call("GET", "health")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "checks": {"storage": "ok"}}


def test_the_served_openapi_document_is_valid_swagger_for_this_host(call: Call, api: str) -> None:
    answer = call("GET", "openapi.json")

    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["swagger"] == "2.0"
    assert document["host"] == api.split("://")[1].split("/")[0]
    assert document["schemes"] == ["http"]


def test_a_wrong_method_is_405_and_an_unknown_route_404(call: Call) -> None:
    wrong = call("DELETE", "conflicts")
    assert_problem(wrong, 405)
    assert "GET" in wrong.headers["Allow"]
    assert_problem(call("PATCH", "jobs/some-job"), 405)
    assert_problem(call("GET", "no-such-thing"), 404)


def test_a_validation_token_graph_never_sends_is_a_400_naming_it(call: Call) -> None:
    for endpoint in ("graph/notifications", "graph/lifecycle"):
        refused = call("POST", endpoint, params={"validationToken": "line\nbreak"})

        body = assert_problem(refused, 400, "validationToken")
        assert "control characters" in body["errors"][0]["message"]
