"""DHCP options sets: the Region's default set, custom sets, and which set each VPC uses (its ``DhcpOptionsId``).
Below the VPC family: a new VPC asks here for the Region's default set."""
