"""Model calls and tokens (from the answers' `usage`) per 100 uncategorised appointments, without and with the
answer cache, through the real `openai` SDK against the OpenAI simulator.

`python tests/benchmarks/bench_suggestions.py` prints one line per scenario (targets: ≤ 5 calls for a cold run of
100 appointments, 0 calls for the same 100 again with the cache)."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devtools.openai_simulator import OpenAISimulator  # noqa: E402
from shared.ai.answers import ModelAnswer  # noqa: E402
from shared.ai.providers import ModelSettings, openai_model  # noqa: E402
from shared.domain.appointment import Appointment  # noqa: E402
from shared.domain.model_input import model_item  # noqa: E402
from shared.services.model_pass import ModelPass  # noqa: E402

COUNT = 100
SEED = 20261125
KNOWN = ["Acme - billable", "Globex - non-billable", "Initech - billable", "Admin - non-billable"]
SUBJECTS = ("Acme roadmap", "Daily standup", "Globex migration review", "1:1", "Initech workshop", "Planning",
            "Customer call", "Sprint review", "Budget check", "Design session")


class DictCache:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], ModelAnswer] = {}

    def get(self, user: str, key: str) -> ModelAnswer | None:
        return self.rows.get((user, key))

    def put(self, user: str, key: str, answer: ModelAnswer, model: str) -> None:
        self.rows[(user, key)] = answer


def appointments(count: int = COUNT, seed: int = SEED) -> list[Appointment]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        offset = dt.timedelta(days=rng.randrange(20), hours=rng.randrange(8, 18))
        start = dt.datetime(2026, 11, 2, tzinfo=dt.UTC) + offset
        domain = rng.choice(("acme.com", "globex.example", "contoso.example"))
        found.append(Appointment(
            id=f"e{i}", subject=f"{rng.choice(SUBJECTS)} #{rng.randrange(40)}", start=start,
            end=start + dt.timedelta(minutes=rng.choice((15, 30, 60))),
            attendees=[{"name": "Someone", "address": f"someone@{domain}"}],
        ))
    return found


def scenario(sim: OpenAISimulator, name: str, cache: DictCache | None, runs: int) -> None:
    model = openai_model(ModelSettings(provider="openai", base_url=sim.base_url), lambda: "sk-sim")
    model_pass = ModelPass(model, cache, None, daily_cap=10_000)
    items = [model_item(a, str(i + 1)) for i, a in enumerate(appointments())]
    for run in range(1, runs + 1):
        sim.clear_requests()
        started = time.perf_counter()
        result = model_pass.run("bench@contoso.example", items, KNOWN, [], dt.date(2026, 11, 25))
        calls, tokens = sim.usage()
        print(f"{name:<13} run {run}: {calls} model calls, {tokens} tokens "
              f"(prompt {result.usage.prompt_tokens}, completion {result.usage.completion_tokens}), "
              f"{result.cached} cached, {len(result.answers)} answered, {time.perf_counter() - started:.2f} s "
              f"per {COUNT} uncategorised appointments")


def main() -> int:
    with OpenAISimulator(api_key="sk-sim") as sim:
        sim.set_keywords({"standup": "Admin - non-billable"})
        scenario(sim, "without cache", None, runs=2)
        scenario(sim, "with cache", DictCache(), runs=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
