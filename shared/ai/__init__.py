"""The language-model adapter for category suggestions (OpenAI or Azure OpenAI through the `openai` SDK)."""
