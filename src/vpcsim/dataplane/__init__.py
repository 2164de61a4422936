"""The data plane: where a request really goes, whether it is allowed, and why.

``topology`` is the neutral, typed, immutable model of a network that the engines read (compiled from the state by
``vpcsim.control.analysis.topology`` once per state revision, with every AWS default resolved); ``dns``, ``routing`` and
``filters`` are the engines; ``trace`` walks a request hop by hop and returns a ``vpcsim.model.trace.Trace``.
The data plane never reads or changes the store.
"""
