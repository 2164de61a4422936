"""Round-trip time estimates for comparing paths: how far apart things are, and what each component on a path adds.

AWS publishes no latency figures between its Regions or for its gateways, so this is a model, every number in it
sourced or named as a choice, meant to rank paths and size the difference between them (a NAT gateway against an
endpoint, one Region against another), never to replace a measurement:

- **Between Regions** the round trip is ``INTER_REGION_FIXED_RTT_MS + 2 * d * STRETCH / FIBRE_KM_PER_MS`` where ``d``
  is the great-circle distance between the Regions' cities (``SITES``: the city AWS names each Region after, with
  its coordinates; for a Region named after a country, its capital or the metro AWS names in its announcement).
  Light in optical fibre covers about 200 km per millisecond (about two thirds of c: a refractive index near 1.47);
  fibre routes are longer than the great circle (STRETCH 1.3, a named choice: studies of the public internet find
  1.5 and more, AWS's backbone is more direct) and every end adds switching (4 ms in all, a named choice). With
  these, us-east-1 <-> eu-west-1 comes out at about 75 ms, eu-west-2 <-> eu-central-1 at about 12 ms and
  us-east-1 <-> ap-northeast-1 at about 145 ms, in line with published inter-Region measurements.
- **Inside a Region**: Availability Zones are "within 100 km (60 miles) of each other" with "single-digit
  millisecond latency" between them [AWS, "Regions and Availability Zones"]; a round trip across zones is taken as
  1 ms and one within a zone as 0.1 ms (named choices within those bounds).
- **Per component** (a round trip through it, named choices: AWS gives no figures): a NAT gateway translating
  0.2 ms; an interface or Gateway Load Balancer endpoint (PrivateLink, with the load balancer behind a service)
  0.3 ms; a transit gateway, "an additional hop" [AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS
  Network Infrastructure"], 0.5 ms; a gateway endpoint or a peering connection nothing (a route, no device); an
  AWS service's regional front door 1 ms; the public internet beyond AWS's edge 20 ms; a Site-to-Site VPN tunnel to
  a customer network, over the internet, 20 ms.

>>> round(inter_region_rtt_ms("us-east-1", "eu-west-1"))
75
>>> inter_region_rtt_ms("eu-west-2", "eu-west-2")
0.0
"""

from __future__ import annotations

from functools import cache
from math import asin, cos, radians, sin, sqrt

FIBRE_KM_PER_MS = 200.0
STRETCH = 1.3
INTER_REGION_FIXED_RTT_MS = 4.0
EARTH_RADIUS_KM = 6371.0

SAME_AZ_RTT_MS = 0.1
CROSS_AZ_RTT_MS = 1.0
NAT_GATEWAY_RTT_MS = 0.2
PRIVATELINK_RTT_MS = 0.3
TRANSIT_GATEWAY_RTT_MS = 0.5
SERVICE_FRONT_RTT_MS = 1.0
INTERNET_RTT_MS = 20.0
VPN_RTT_MS = 20.0

# Region -> (city, latitude, longitude): the city each Region is named after (AWS's Region names), in degrees.
SITES: dict[str, tuple[str, float, float]] = {
    "af-south-1": ("Cape Town", -33.92, 18.42),
    "ap-east-1": ("Hong Kong", 22.32, 114.17),
    "ap-east-2": ("Taipei", 25.03, 121.57),
    "ap-northeast-1": ("Tokyo", 35.68, 139.69),
    "ap-northeast-2": ("Seoul", 37.57, 126.98),
    "ap-northeast-3": ("Osaka", 34.69, 135.50),
    "ap-south-1": ("Mumbai", 19.08, 72.88),
    "ap-south-2": ("Hyderabad", 17.39, 78.49),
    "ap-southeast-1": ("Singapore", 1.35, 103.82),
    "ap-southeast-2": ("Sydney", -33.87, 151.21),
    "ap-southeast-3": ("Jakarta", -6.21, 106.85),
    "ap-southeast-4": ("Melbourne", -37.81, 144.96),
    "ap-southeast-5": ("Kuala Lumpur", 3.14, 101.69),
    "ap-southeast-6": ("Auckland", -36.85, 174.76),
    "ap-southeast-7": ("Bangkok", 13.76, 100.50),
    "ca-central-1": ("Montreal", 45.50, -73.57),
    "ca-west-1": ("Calgary", 51.05, -114.07),
    "eu-central-1": ("Frankfurt", 50.11, 8.68),
    "eu-central-2": ("Zurich", 47.37, 8.54),
    "eu-north-1": ("Stockholm", 59.33, 18.07),
    "eu-south-1": ("Milan", 45.46, 9.19),
    "eu-south-2": ("Zaragoza (Aragon)", 41.65, -0.88),
    "eu-west-1": ("Dublin", 53.35, -6.26),
    "eu-west-2": ("London", 51.51, -0.13),
    "eu-west-3": ("Paris", 48.86, 2.35),
    "il-central-1": ("Tel Aviv", 32.09, 34.78),
    "me-central-1": ("Abu Dhabi", 24.45, 54.38),
    "me-south-1": ("Manama", 26.23, 50.59),
    "mx-central-1": ("Queretaro", 20.59, -100.39),
    "sa-east-1": ("Sao Paulo", -23.55, -46.63),
    "us-east-1": ("Ashburn (N. Virginia)", 39.04, -77.49),
    "us-east-2": ("Columbus (Ohio)", 39.96, -83.00),
    "us-west-1": ("San Jose (N. California)", 37.34, -121.89),
    "us-west-2": ("Boardman (Oregon)", 45.84, -119.70),
}


def distance_km(a: str, b: str) -> float:
    """The great-circle distance between two Regions' cities (haversine)."""
    _, lat1, lon1 = SITES[a]
    _, lat2, lon2 = SITES[b]
    dlat, dlon = radians(lat2 - lat1), radians(lon2 - lon1)
    h = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h))


@cache
def inter_region_rtt_ms(a: str, b: str) -> float:
    """The estimated round trip between two Regions (0 within one). A Region missing from ``SITES`` (one newer than
    this table) is taken as the farthest pair the table knows, so that a path through it never looks faster than
    it may be (named choice)."""
    if a == b:
        return 0.0
    if a not in SITES or b not in SITES:
        return max(inter_region_rtt_ms(x, y) for x in SITES for y in SITES if x < y)
    return round(INTER_REGION_FIXED_RTT_MS + 2 * distance_km(a, b) * STRETCH / FIBRE_KM_PER_MS, 3)


def zone_rtt_ms(same_zone: bool) -> float:
    """A round trip inside a Region: within one Availability Zone or across two."""
    return SAME_AZ_RTT_MS if same_zone else CROSS_AZ_RTT_MS


__all__ = [
    "CROSS_AZ_RTT_MS",
    "INTERNET_RTT_MS",
    "NAT_GATEWAY_RTT_MS",
    "PRIVATELINK_RTT_MS",
    "SAME_AZ_RTT_MS",
    "SERVICE_FRONT_RTT_MS",
    "SITES",
    "TRANSIT_GATEWAY_RTT_MS",
    "VPN_RTT_MS",
    "distance_km",
    "inter_region_rtt_ms",
    "zone_rtt_ms",
]
