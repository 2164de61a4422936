"""Security groups: groups, their rules as AWS stores them (security-group-rule records), and rule parsing."""
