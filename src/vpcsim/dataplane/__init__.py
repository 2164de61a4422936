"""dataplane (see docs/architecture.md)."""
