"""VPC and transit gateway flow-log records for traffic the data plane traced, and their delivery as files.

``fields`` is AWS's catalogue of record fields and LogFormat rules; ``observe`` turns a ``Trace`` into what each
network interface on the path sees (request and response, in and out, ACCEPT or REJECT); ``records`` turns an
observation and a flow's volume into a record in a flow log's format; ``files`` lays records out as AWS delivers them
to S3, CloudWatch Logs and Firehose, under a local directory. All but ``files`` are pure functions; the control plane
(``vpcsim.control.flowlogs``) decides which flow logs cover which interfaces and calls them.

Reading real flow logs (``vpcsim flowlogs``): ``sources`` finds and checks the files (gzipped or plain text with a
header line, Parquet), ``ranges`` is AWS's ip-ranges as one lookup, ``usage`` streams the records through DuckDB into
bytes per sender and remote owner, ``attribution`` counts each byte once across the interfaces that logged it, and
``savings`` prices what endpoints would have saved; ``vpcsim.control.flowlogs.estate`` and ``report`` add the state.
"""
