"""VPC and transit gateway flow-log records for traffic the data plane traced, and their delivery as files.

``fields`` is AWS's catalogue of record fields and LogFormat rules; ``observe`` turns a ``Trace`` into what each
network interface on the path sees (request and response, in and out, ACCEPT or REJECT); ``records`` turns an
observation and a flow's volume into a record in a flow log's format; ``files`` lays records out as AWS delivers them
to S3, CloudWatch Logs and Firehose, under a local directory. All but ``files`` are pure functions; the control plane
(``vpcsim.control.flowlogs``) decides which flow logs cover which interfaces and calls them.
"""
