"""The ``vpcsim`` command."""
