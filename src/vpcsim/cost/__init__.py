"""cost (see docs/architecture.md)."""
