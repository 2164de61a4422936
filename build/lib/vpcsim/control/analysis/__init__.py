"""The control plane's answers about its own state: the compiled topology for the data plane, traces and costs,
Reachability Analyzer (Network Insights) and the diagram."""
