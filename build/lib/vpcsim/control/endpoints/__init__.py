"""VPC endpoints (gateway, interface, Gateway Load Balancer): creation, modification, policies, their network
interfaces and DNS records, and the services a consumer can discover."""
