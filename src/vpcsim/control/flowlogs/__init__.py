"""Flow logs: the EC2 API (``flow_logs``, its parameter checks in ``options``) and the records vpcsim writes for
traffic sent through the data plane (``traffic``)."""
