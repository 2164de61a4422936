"""The AWS services whose calls carry what the data plane judges: STS identity, S3 buckets and DynamoDB tables
with their resource policies."""
