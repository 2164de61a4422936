"""The JSON API behind the UI: the topology as a diagram, the revision that makes it live, the OpenAPI description,
and the UI itself on ``/`` beside signed AWS requests."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from tests.api.test_dataplane import _instance, _nat, _net
from tests.api.test_trace_faces import _get


def _vpc(topology: dict[str, Any], vpc_id: str) -> dict[str, Any]:
    return next(v for a in topology["accounts"] for r in a["regions"] for v in r["vpcs"] if v["id"] == vpc_id)


def test_topology_draws_a_vpc_with_public_and_private_subnets(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2)
    nat = _nat(net)
    instance = _instance(ec2, net.private)
    status, topology = _get(vpcsim, f"/_vpcsim/api/topology?account={account}")
    assert status == 200
    assert [a["id"] for a in topology["accounts"]] == [account]
    vpc = _vpc(topology, net.vpc)
    assert vpc["internet_gateway"]["id"] == net.igw and vpc["region"] == "eu-west-2"
    subnets = {s["id"]: s for az in vpc["azs"] for s in az["subnets"]}
    assert subnets[net.public]["public"] is True and subnets[net.private]["public"] is False
    assert [r["id"] for r in subnets[net.private]["resources"]] == [instance]
    assert [r["kind"] for r in subnets[net.public]["resources"]] == ["nat-gateway"]
    assert subnets[net.public]["resources"][0]["id"] == nat
    assert {"s3.eu-west-2", "dynamodb.eu-west-2"} <= {s["id"] for s in topology["aws_services"]}
    assert instance in {s["value"] for s in topology["suggestions"]["sources"]}


def test_filters_and_gateway_endpoints_on_the_vpc_edge(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    net = _net(ec2, "10.5.0.0/16")
    endpoint = ec2.create_vpc_endpoint(
        VpcId=net.vpc, ServiceName="com.amazonaws.eu-west-2.s3", RouteTableIds=[net.private_table]
    )["VpcEndpoint"]["VpcEndpointId"]
    _, topology = _get(vpcsim, f"/_vpcsim/api/topology?account={account}&vpc={net.vpc}")
    (only,) = [v for a in topology["accounts"] for r in a["regions"] for v in r["vpcs"]]
    assert only["id"] == net.vpc
    (edge,) = only["gateway_endpoints"]
    assert edge["id"] == endpoint and edge["route_tables"] == [net.private_table]
    s3 = next(s for s in topology["aws_services"] if s["id"] == "s3.eu-west-2")
    assert s3["endpoints"] == [endpoint]
    _, elsewhere = _get(vpcsim, f"/_vpcsim/api/topology?account={account}&region=us-east-1")
    assert all(r["name"] == "us-east-1" for a in elsewhere["accounts"] for r in a["regions"])


def test_revision_changes_after_an_api_call_and_etag_answers_304(vpcsim: Any, account: str) -> None:
    ec2 = vpcsim.client("ec2", "eu-west-2", account)
    ec2.describe_vpcs()
    _, before = _get(vpcsim, "/_vpcsim/api/revision")
    with urllib.request.urlopen(vpcsim.url + "/_vpcsim/api/topology?region=eu-west-2", timeout=30) as response:
        tag = response.headers["ETag"]
    ec2.create_vpc(CidrBlock="10.9.0.0/16")
    _, after = _get(vpcsim, "/_vpcsim/api/revision")
    assert after["revision"] > before["revision"]
    request = urllib.request.Request(
        vpcsim.url + "/_vpcsim/api/topology?region=eu-west-2", headers={"If-None-Match": tag}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # changed: a fresh answer
        assert response.status == 200 and response.headers["ETag"] != tag
        fresh = response.headers["ETag"]
    try:
        urllib.request.urlopen(urllib.request.Request(request.full_url, headers={"If-None-Match": fresh}), timeout=30)
        raise AssertionError("expected 304")
    except urllib.error.HTTPError as error:
        assert error.code == 304


def test_openapi_document_is_valid_and_documents_every_route(vpcsim: Any) -> None:
    status, document = _get(vpcsim, "/_vpcsim/api/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.1")
    from openapi_spec_validator import validate

    validate(document)
    routes = _routes()
    assert routes <= set(document["paths"]), routes - set(document["paths"])


def _routes() -> set[str]:
    """The admin and JSON API paths the server really has."""
    from vpcsim.server.admin import admin_routes
    from vpcsim.server.api import api_routes

    class _Nothing:
        store = None
        control = None

    found = {r.path for r in [*admin_routes(_Nothing(), lambda: None), *api_routes(_Nothing())]}  # type: ignore[arg-type]
    return found


def test_the_ui_on_root_and_aws_on_root_side_by_side(vpcsim: Any, account: str) -> None:
    with urllib.request.urlopen(vpcsim.url + "/", timeout=30) as response:
        page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
    assert "/ui/js/main.mjs" in page
    for asset in ("/ui/js/main.mjs", "/ui/app.css"):
        with urllib.request.urlopen(vpcsim.url + asset, timeout=30) as response:
            assert response.status == 200
    assert vpcsim.client("ec2", "eu-west-2", account).describe_vpcs()["Vpcs"]  # signed POST / still AWS
    s3 = vpcsim.client("s3", "us-east-1", account)
    assert "Buckets" in s3.list_buckets()  # signed GET / still ListBuckets
    try:  # an unsigned request naming an Action is an AWS request too, never the page
        with urllib.request.urlopen(vpcsim.url + "/?Action=DescribeRegions&Version=2016-11-15", timeout=30) as r:
            body = r.read()
    except urllib.error.HTTPError as error:
        body = error.read()
    assert b"<html" not in body
