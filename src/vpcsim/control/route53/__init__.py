"""Amazon Route 53 as VPC networking uses it: hosted zones (public and private), their VPC associations (including
another account's VPC after that account's authorization), record sets (A, AAAA, CNAME, TXT, ... and alias records
to endpoint and load balancer DNS names), changes and tags. Route 53 is global: its records carry no Region.

The data plane's DNS reads private hosted zones: a VPC associated with a zone resolves the zone's names from it.
"""
