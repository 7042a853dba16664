"""Optional LLM parts: chat settings, the grounded answerer, and the local test model (opt-in, hash-verified)."""
