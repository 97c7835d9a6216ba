"""The Graph simulator in a process of its own, so its work does not compete with the app's for one interpreter.

Graph runs on Microsoft's servers, not in the caller's process; in-process, the simulator's request handling would
take the GIL from the archive it is measuring. `python simulator_process.py SEED LATENCY_MS PAGE_CAP TOKEN` prints the
base URL, then answers each line `requests` on stdin with one JSON line: the top-level requests seen so far.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devtools.graph_simulator import GraphSimulator  # noqa: E402


def main() -> None:
    seed, latency_ms, page_cap, token = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with GraphSimulator(token=token, page_cap=page_cap, latency_ms=latency_ms) as sim:
        sim.load_seed(seed)
        print(sim.base_url, flush=True)
        for line in sys.stdin:
            if line.strip() == "requests":
                seen = [{"method": r.method, "path": r.path, "status": r.status} for r in sim.requests
                        if not r.batch_item]
                print(json.dumps(seen), flush=True)
            elif line.strip() == "clear":
                sim.clear_requests()
                print("[]", flush=True)


if __name__ == "__main__":
    main()
