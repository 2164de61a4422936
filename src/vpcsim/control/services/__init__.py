"""The AWS services around the network whose state the data plane judges or clients manage beside it.

- ``sts``: GetCallerIdentity.
- S3: ``s3_records`` (the bucket record, access and errors every S3 module shares), ``s3_buckets`` (create, list,
  locate, delete, bucket policies), ``s3_acl`` (ACLs and Object Ownership), ``s3_settings`` (versioning,
  encryption, Block Public Access, tags, logging, acceleration, Requester Pays), ``s3_rules`` (CORS, lifecycle,
  website, replication, Object Lock), ``s3_objects`` (empty listings and deletes).
- DynamoDB: ``dynamodb_tables`` (create, describe, list, delete, resource policies, the table lifecycle),
  ``dynamodb_schema`` (keys, indexes, throughput, streams, encryption), ``dynamodb_update`` (UpdateTable),
  ``dynamodb_settings`` (point-in-time recovery, TTL, tags).
- ``resource_policy``: validating bucket and table policies and judging calls across accounts with them.
"""
