"""interfaces: filled in by its family work."""
