"""Elastic Load Balancing v2 as PrivateLink needs it: network and gateway load balancers, target groups,
targets with health, listeners and tags."""
