"""OneDrive uploads with the real GraphClient against the simulator: simple PUTs, sessions, lost fragments."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator as DriveGraphSimulator
from shared.graph import GraphClient, StaticTokenProvider
from shared.graph.drive import FRAGMENT_UNIT, DriveService
from shared.graph.errors import GraphConflictError, GraphError

UPN = "adele@contoso.com"
PATH = "Timesheets/Acme Corp/Timesheet Acme Corp 2025-04-21 to 2025-04-25.pdf"


@pytest.fixture
def sim() -> Iterator[DriveGraphSimulator]:
    with DriveGraphSimulator(token="test-token") as simulator:
        simulator.add_user(UPN)
        yield simulator


@pytest.fixture
def client(sim: DriveGraphSimulator) -> Iterator[GraphClient]:
    with GraphClient(sim.base_url, StaticTokenProvider("test-token"), backoff_base=0.01, backoff_max=0.05,
                     sleep=lambda seconds: None) as graph:
        yield graph


def drive(client: GraphClient, **options: Any) -> DriveService:
    return DriveService(client, sleep=lambda seconds: None, **options)


def test_a_small_file_is_one_put_with_the_token_and_the_conflict_behaviour(
    sim: DriveGraphSimulator, client: GraphClient
) -> None:
    item = drive(client).upload(UPN, PATH, b"%PDF-1.4 small", content_type="application/pdf")
    assert item.name.endswith(".pdf") and item.size == 14
    assert item.web_url and item.web_url.endswith("/Documents/" + PATH)
    assert sim.drive.file(UPN, PATH).content == b"%PDF-1.4 small"  # type: ignore[union-attr]
    [put] = [r for r in sim.requests if r.method == "PUT"]
    assert put.header("Authorization") == "Bearer test-token"
    assert put.query["@microsoft.graph.conflictBehavior"] == "replace"
    assert put.header("Content-Type") == "application/pdf"


def test_a_draft_is_replaced_and_an_issued_file_is_never_overwritten(
    sim: DriveGraphSimulator, client: GraphClient
) -> None:
    service = drive(client)
    service.upload(UPN, PATH, b"one", content_type="text/csv")
    service.upload(UPN, PATH, b"two", content_type="text/csv", conflict_behavior="replace")
    assert sim.drive.file(UPN, PATH).content == b"two"  # type: ignore[union-attr]
    with pytest.raises(GraphConflictError) as caught:
        service.upload(UPN, PATH, b"three", content_type="text/csv", conflict_behavior="fail")
    assert caught.value.code == "nameAlreadyExists"
    assert sim.drive.file(UPN, PATH).content == b"two"  # type: ignore[union-attr]


def test_throttled_puts_are_retried_like_every_graph_call(sim: DriveGraphSimulator, client: GraphClient) -> None:
    sim.faults.throttle_first(2, retry_after="0.01")
    drive(client).upload(UPN, PATH, b"x", content_type="text/csv")
    assert [r.status for r in sim.requests if r.method == "PUT"] == [429, 429, 201]


def test_more_than_4_mb_in_one_put_is_refused_with_413(client: GraphClient) -> None:
    with pytest.raises(GraphError) as caught:
        client.request_bytes("PUT", f"/users/{UPN}/drive/root:/big.bin:/content", mailbox=UPN,
                             data=b"\0" * (4 * 1024 * 1024 + 1), content_type="application/octet-stream")
    assert caught.value.status == 413


@pytest.mark.parametrize("stored", [False, True], ids=["fragment-lost", "answer-lost"])
def test_a_session_upload_resumes_after_a_lost_fragment(
    sim: DriveGraphSimulator, client: GraphClient, stored: bool
) -> None:
    data = os.urandom(3 * FRAGMENT_UNIT + 12_345)
    sim.drive.lose_chunks(1, stored=stored)
    sim.clear_requests()
    item = drive(client, simple_limit=FRAGMENT_UNIT, chunk_size=FRAGMENT_UNIT).upload(
        UPN, PATH, data, content_type="application/pdf", conflict_behavior="fail")
    assert sim.drive.file(UPN, PATH).content == data  # type: ignore[union-attr]
    assert item.size == len(data) and item.web_url
    [create] = [r for r in sim.requests if r.path.endswith(":/createUploadSession")]
    assert create.header("Authorization") == "Bearer test-token"
    assert create.body["item"]["fileSize"] == len(data)
    fragments = [r for r in sim.requests if r.path.startswith("/upload/")]
    assert all(r.header("Authorization") is None for r in fragments)
    statuses = [r.status for r in fragments]
    assert 500 in statuses and statuses[-1] == 201
    # After the failure the client asks the upload URL where to resume, so a fragment the service kept is not sent
    # again (that would be a 416 fragment overlap).
    assert [r.method for r in fragments[:3]] == ["PUT", "GET", "PUT"]
    resumed_at = (fragments[2].header("Content-Range") or "").split(" ")[1].split("-")[0]
    assert int(resumed_at) == (FRAGMENT_UNIT if stored else 0)
    assert 416 not in statuses
    sizes = [int(r.header("Content-Length") or 0) for r in fragments if r.method == "PUT"]
    assert all(size % FRAGMENT_UNIT == 0 for size in sizes[:-1])


def test_a_session_for_an_existing_name_with_fail_is_refused(sim: DriveGraphSimulator, client: GraphClient) -> None:
    drive(client).upload(UPN, PATH, b"issued", content_type="application/pdf")
    with pytest.raises(GraphConflictError):
        drive(client, simple_limit=1, chunk_size=FRAGMENT_UNIT).upload(
            UPN, PATH, b"x" * 10, content_type="application/pdf", conflict_behavior="fail")


def test_fragments_that_keep_failing_end_in_an_error_without_the_upload_url(
    sim: DriveGraphSimulator, client: GraphClient
) -> None:
    sim.drive.lose_chunks(50)
    with pytest.raises(GraphError) as caught:
        drive(client, simple_limit=1, chunk_size=FRAGMENT_UNIT, fragment_attempts=3).upload(
            UPN, PATH, b"x" * 10, content_type="application/pdf")
    assert "/upload/" not in str(caught.value) and sim.drive.file(UPN, PATH) is None


def test_the_simulated_upload_url_follows_the_documented_contract(
    sim: DriveGraphSimulator, client: GraphClient
) -> None:
    import requests

    session = client.request("POST", f"/users/{UPN}/drive/root:/big.bin:/createUploadSession", mailbox=UPN,
                             json={"item": {"fileSize": 2 * FRAGMENT_UNIT}}) or {}
    assert session["nextExpectedRanges"] == ["0-"]
    url, total = session["uploadUrl"], 2 * FRAGMENT_UNIT

    def put(start: int, size: int, **headers: str) -> requests.Response:
        return requests.put(url, data=b"x" * size, timeout=5,
                            headers={"Content-Range": f"bytes {start}-{start + size - 1}/{total}", **headers})

    assert put(0, 1000).status_code == 400  # not a multiple of 320 KiB and not the last fragment
    assert put(0, FRAGMENT_UNIT, Authorization="Bearer test-token").status_code == 401
    first = put(0, FRAGMENT_UNIT)
    assert (first.status_code, first.json()["nextExpectedRanges"]) == (202, [f"{FRAGMENT_UNIT}-"])
    overlap = put(0, FRAGMENT_UNIT)
    assert (overlap.status_code, overlap.json()["error"]["code"]) == (416, "invalidRange")
    assert requests.get(url, timeout=5).json()["nextExpectedRanges"] == [f"{FRAGMENT_UNIT}-"]
    assert put(FRAGMENT_UNIT, FRAGMENT_UNIT).status_code == 201
    assert requests.get(url, timeout=5).status_code == 404  # a finished session is gone
