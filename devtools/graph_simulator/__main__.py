"""Serve the simulator: python -m devtools.graph_simulator --port 8950 --seed FILE."""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading

from devtools.graph_simulator.simulator import GraphSimulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.graph_simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8950)
    parser.add_argument("--seed", help="JSON file with users, calendars and events")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--page-cap", type=int, default=50)
    parser.add_argument("--mailbox-concurrency", type=int, default=4)
    parser.add_argument("--token", default="test-token", help="bearer token clients must present")
    args = parser.parse_args(argv)

    simulator = GraphSimulator(
        token=args.token, page_cap=args.page_cap, latency_ms=args.latency_ms,
        mailbox_concurrency=args.mailbox_concurrency, host=args.host, port=args.port,
    )
    if args.seed:
        simulator.load_seed(args.seed)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with simulator:
        print(simulator.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
