"""CloudWatch Logs, as far as flow logs need it: log groups (with retention, deletion protection and tags), the
destination of flow logs whose LogDestinationType is cloud-watch-logs. Modules: ``log_groups``, ``tags``."""
