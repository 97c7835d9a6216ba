"""A local OpenAI-compatible server (chat completions with structured outputs, faults) for tests and benchmarks."""

from devtools.openai_simulator.simulator import OpenAISimulator

__all__ = ["OpenAISimulator"]
