"""prefix_lists: filled in by its family work."""
