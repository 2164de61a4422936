"""instances: filled in by its family work."""
