"""Other systems call the assistant: HTTP API (FastAPI, OpenAPI docs) and an MCP server, with per-user tokens."""
