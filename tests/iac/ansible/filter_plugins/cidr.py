"""``cidrsubnet``: Terraform's function of that name as a Jinja filter, for the play next to this folder.

``'10.0.0.0/16' | cidrsubnet(8, 2)`` is ``10.0.2.0/24``; it works for IPv6 too (``2600:1f18::/56 | cidrsubnet(8, 1)``
is the second /64). Written here because ansible.utils' ``ipsubnet`` needs netaddr, which nothing else needs.
"""

from __future__ import annotations

import ipaddress


def cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    network = ipaddress.ip_network(prefix)
    length = network.prefixlen + int(newbits)
    if length > network.max_prefixlen or not 0 <= int(netnum) < 2 ** int(newbits):
        raise ValueError(f"{prefix} has no subnet number {netnum} with {newbits} more bits")
    address = int(network.network_address) + int(netnum) * 2 ** (network.max_prefixlen - length)
    return str(ipaddress.ip_network((address, length)))


class FilterModule:
    def filters(self) -> dict[str, object]:
        return {"cidrsubnet": cidrsubnet}
