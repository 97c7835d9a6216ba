from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from shared.runtime.clock import ManualClock
from shared.runtime.engine import DurableEngine
from shared.runtime.host import LocalHost
from tests.runtime.engine_support import EngineFactory
from tests.runtime.sample_app import QUEUE_SETTING, Recorder, build_app
from tests.runtime.toy_app import Probe
from tests.runtime.toy_app import build_app as build_toy_app

# --- the engine alone, over the toy app ---------------------------------------------------------------------------


@pytest.fixture
def make_engine() -> Iterator[EngineFactory]:
    """Build an engine over a fresh toy app; `clock=True` gives it a ManualClock shared with the probe."""
    engines: list[DurableEngine] = []

    def make(*, clock: bool = False, parties: int = 1, max_workers: int = 8) -> tuple[DurableEngine, Probe]:
        manual = ManualClock() if clock else None
        probe = Probe(clock=manual, rendezvous_parties=parties)
        engine = DurableEngine.from_functions(build_toy_app(probe).get_functions(), max_workers=max_workers,
                                              clock=manual)
        engines.append(engine)
        return engine, probe

    yield make
    for engine in engines:
        engine.shutdown()


# --- the local host over the sample app, with Azurite for its queues ------------------------------------------------


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
