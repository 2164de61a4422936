"""What every family uses: the call context, lookups with AWS's errors, describe listings and filters, CIDR
parsing, tagging, principals, public address allocation, cross-family queries, and the registry of what blocks a
delete. Imports nothing from the families above it."""
