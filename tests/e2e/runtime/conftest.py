from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from shared.runtime.engine import DurableEngine
from shared.runtime.host import LocalHost
from tests.e2e.runtime.sample_app import QUEUE_SETTING, Recorder, build_app


@pytest.fixture(scope="module")
def queue_name() -> Iterator[str]:
    name = f"host-e2e-{uuid.uuid4().hex[:10]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(QUEUE_SETTING, name)
        yield name


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def host(storage_connection_string: str, queue_name: str, recorder: Recorder) -> Iterator[LocalHost]:
    functions = build_app(recorder).get_functions()
    with DurableEngine.from_functions(functions) as engine, LocalHost(
        functions,
        engine=engine,
        storage_connection_string=storage_connection_string,
        port=0,
        queue_poll_interval=0.1,
        queue_retry_delay_seconds=0,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def base_url(host: LocalHost) -> str:
    return host.base_url
