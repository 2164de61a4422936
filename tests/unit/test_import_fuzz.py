"""No input makes the importer fail other than with ``ImportFailed`` naming the file, and nothing it accepts makes the
state fail later: hypothesis mutates real dump files (values replaced by values of other types, members dropped,
lists emptied) and Terraform attributes, imports them, and then compiles and traces the state.

The draws are the same on every run (``derandomize``), so that CI is repeatable; ``VPCSIM_FUZZ=1`` draws new ones
each run (with ``--hypothesis-seed=N`` to repeat one), which is how the inputs tested one by one below were found."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.importing import dumps_folder
from vpcsim.control import Control
from vpcsim.importer import ImportFailed, import_payload
from vpcsim.model import IdFactory
from vpcsim.store import MemoryBackend, Store

_FIXED = not os.environ.get("VPCSIM_FUZZ")
DUMP = dumps_folder() / "test-transit-gateway" / "aws_configs"
FILES = {p.name: json.loads(p.read_text()) for p in sorted(DUMP.glob("*.json"))} if DUMP.is_dir() else {}
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12), st.just("10.0.0.0/33"),
    st.just([]), st.just({}), st.just([1, "x"]), st.just({"a": 1}),
)  # fmt: skip


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (dict keys and list indexes) where a value sits."""
    found = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    if value is _DROP and isinstance(document, dict):
        del document[path[-1]]
    else:  # a copy: st.just gives one object, which two mutations must not share (nor hold inside itself)
        document[path[-1]] = None if value is _DROP else copy.deepcopy(value)


_DROP = object()


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    files = copy.deepcopy(FILES)
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(files)))
        places = _paths(files[name])
        if not places:
            continue
        place = draw(st.sampled_from(places))
        _set(files[name], place, draw(st.one_of(ODD, st.just(_DROP))))
    return {"files": [{"name": f"aws_configs/{n}", "content": c} for n, c in files.items()], "region": "us-east-2"}


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=_FIXED)
@given(payload=mutated())
def test_a_mutated_dump_is_imported_whole_or_refused_naming_its_file(payload: dict[str, Any]) -> None:
    store = Store(MemoryBackend())
    try:
        import_payload(store, payload)
    except ImportFailed as error:
        assert "aws_configs/" in str(error) or "the import's files" in str(error), str(error)
        assert store.revision == 0
        return
    control = Control(store, IdFactory(1))
    control.diagram()
    control.monthly_cost("554773406868", "us-east-2")
    with store.snapshot() as tx:
        sources = [r.id for r in tx.scan("network-interface")][:3]
    for source in sources:
        for destination in ("192.168.1.106", "8.8.8.8"):
            try:
                control.trace(source, destination, port=22)
            except Exception as error:
                assert type(error).__name__ == "InvalidParameter", repr(error)


TERRAFORM = {
    "version": 4,
    "terraform_version": "1.11.4",
    "resources": [
        {"mode": "managed", "type": "aws_vpc", "name": "v", "instances": [{"attributes": {
            "id": "vpc-0a1b2c3d4e5f60718", "arn": "arn:aws:ec2:eu-west-2:111122223333:vpc/vpc-0a1b2c3d4e5f60718",
            "cidr_block": "10.9.0.0/16", "main_route_table_id": "rtb-0a1b2c3d4e5f60718"}}]},
        {"mode": "managed", "type": "aws_subnet", "name": "s", "instances": [{"attributes": {
            "id": "subnet-0a1b2c3d4e5f60718", "vpc_id": "vpc-0a1b2c3d4e5f60718", "cidr_block": "10.9.1.0/24",
            "availability_zone": "eu-west-2a"}}]},
        {"mode": "managed", "type": "aws_security_group", "name": "g", "instances": [{"attributes": {
            "id": "sg-0a1b2c3d4e5f60718", "vpc_id": "vpc-0a1b2c3d4e5f60718", "name": "g",
            "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}]}}]},
        {"mode": "managed", "type": "aws_network_interface", "name": "e", "instances": [{"attributes": {
            "id": "eni-0a1b2c3d4e5f60718", "subnet_id": "subnet-0a1b2c3d4e5f60718", "private_ip": "10.9.1.10",
            "security_groups": ["sg-0a1b2c3d4e5f60718"]}}]},
    ],
}  # fmt: skip


def _imported_whole_or_refused(payload: dict[str, Any], account: str, region: str) -> None:
    """Imported, and then drawn, priced and traced without error; or refused with ``ImportFailed``, keeping nothing."""
    store = Store(MemoryBackend())
    try:
        import_payload(store, payload)
    except ImportFailed as error:
        assert store.revision == 0 and str(error), error
        return
    control = Control(store, IdFactory(1))
    control.diagram()
    control.monthly_cost(account, region)
    with store.snapshot() as tx:
        sources = [r.id for r in tx.scan("network-interface")][:2]
    for source in sources:
        try:
            control.trace(source, "8.8.8.8", port=22)
        except Exception as error:
            assert type(error).__name__ == "InvalidParameter", repr(error)


@pytest.mark.parametrize("value", [_DROP, None], ids=["left-out", "null"])
def test_every_member_an_item_of_the_dump_can_lack_is_imported_or_refused(value: Any) -> None:
    """Each member of the first item of every file, and of the first item of each list in it, left out (or null) in
    turn: hypothesis draws such cases only by chance (a security group without its GroupName, a route table with
    null Associations, a network ACL entry without its RuleAction, an internet gateway attachment without its VpcId
    each once passed every check and broke the compiled topology)."""
    for name, content in FILES.items():
        for place in _paths(content):
            if place[1:2] == (0,) and (len(place) == 3 or (len(place) == 5 and place[3] == 0)):
                files = copy.deepcopy(FILES)
                _set(files[name], place, value)
                payload = {"files": [{"name": f"aws_configs/{n}", "content": c} for n, c in files.items()]}
                _imported_whole_or_refused({**payload, "region": "us-east-2"}, "554773406868", "us-east-2")


def test_every_terraform_attribute_left_out_or_null_is_imported_or_refused() -> None:
    for place in _paths(TERRAFORM):
        for value in (_DROP, None):
            state = copy.deepcopy(TERRAFORM)
            _set(state, place, value)
            payload = {"files": [{"name": "terraform.tfstate", "content": state}]}
            _imported_whole_or_refused(payload, "111122223333", "eu-west-2")


@pytest.mark.parametrize("value", [[1, "x"], {"a": 1}, 5], ids=["list", "object", "number"])
def test_an_association_naming_no_route_table_id_is_refused_naming_its_file(value: Any) -> None:
    """Found by the fuzz test in a full run: a list as an attachment's associated route table was imported, and the
    first trace through the transit gateway failed on it."""
    files = copy.deepcopy(FILES)
    listed = files["TransitGatewayAttachments.json"]["TransitGatewayAttachments"]
    associated = [a for a in listed if (a.get("Association") or {}).get("State") == "associated"]
    assert associated, "the dump has an associated attachment"
    associated[0]["Association"]["TransitGatewayRouteTableId"] = value
    store = Store(MemoryBackend())
    payload = {"files": [{"name": f"aws_configs/{n}", "content": c} for n, c in files.items()], "region": "us-east-2"}
    with pytest.raises(ImportFailed, match=r"aws_configs/TransitGatewayAttachments\.json: tgw-attach-.*route table"):
        import_payload(store, payload)
    assert store.revision == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda eni: eni.setdefault("Association", {}).update(PublicIp="10.0.0.0/33"), "Association.PublicIp"),
        (lambda eni: eni.update(VpcId="vpc-0123456789abcdef0"), "is not the VPC of its subnet"),
    ],
    ids=["public-ip", "vpc"],
)
def test_an_interface_the_data_plane_could_not_place_is_refused(change: Any, words: str) -> None:
    """Found by the fuzz test: an interface whose public address is not one, or whose VpcId is not its subnet's VPC,
    was imported, and the first drawing or trace failed on it."""
    files = copy.deepcopy(FILES)
    change(files["NetworkInterfaces.json"]["NetworkInterfaces"][0])
    store = Store(MemoryBackend())
    payload = {"files": [{"name": f"aws_configs/{n}", "content": c} for n, c in files.items()], "region": "us-east-2"}
    with pytest.raises(ImportFailed, match=r"aws_configs/NetworkInterfaces\.json") as refused:
        import_payload(store, payload)
    assert words in str(refused.value) and store.revision == 0


def test_a_security_group_without_its_name_is_refused_naming_the_file() -> None:
    state = copy.deepcopy(TERRAFORM)
    del state["resources"][2]["instances"][0]["attributes"]["name"]
    store = Store(MemoryBackend())
    try:
        import_payload(store, {"files": [{"name": "terraform.tfstate", "content": state}]})
    except ImportFailed as error:
        assert "terraform.tfstate" in str(error) and "sg-0a1b2c3d4e5f60718 has no GroupName" in str(error)
    else:
        raise AssertionError("a security group without a name was imported")
    assert store.revision == 0


@st.composite
def mutated_state(draw: st.DrawFn) -> dict[str, Any]:
    state = copy.deepcopy(TERRAFORM)
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(_paths(state)))
        _set(state, place, draw(st.one_of(ODD, st.just(_DROP))))
    return {"files": [{"name": "terraform.tfstate", "content": state}]}


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=_FIXED)
@given(payload=mutated_state())
def test_a_mutated_terraform_state_is_imported_or_refused_naming_it(payload: dict[str, Any]) -> None:
    store = Store(MemoryBackend())
    try:
        import_payload(store, payload)
    except ImportFailed as error:
        assert store.revision == 0 and str(error), error
        return
    control = Control(store, IdFactory(1))
    control.diagram()
    try:
        control.trace("10.9.1.10", "10.9.1.20", port=22)
    except Exception as error:
        assert type(error).__name__ == "InvalidParameter", repr(error)


def _load_balancer_target(files: dict[str, Any]) -> None:
    files["LoadBalancerTargetHealth.json"]["LoadBalancerTargetHealth"][0]["TargetHealthDescriptions"][0]["Target"][
        "Id"
    ] = True


# (dump folder, file, what the mutation does, words the refusal says): each was found by fuzzing every dump.
REFUSED = [
    ("test-load-balancer/aws_configs", "LoadBalancerTargetHealth.json", _load_balancer_target, "Target.Id"),
    (
        "test-load-balancer/aws_configs",
        "LoadBalancers.json",
        lambda files: files["LoadBalancers.json"]["LoadBalancers"][0]["State"].pop("Code"),
        "State.Code",
    ),
    (
        "hybrid-cloud-aws/aws_configs/us-west-2",
        "VpnGateways.json",
        lambda files: files["VpnGateways.json"]["VpnGateways"][0]["VpcAttachments"][0].pop("VpcId"),
        "VpcAttachments.VpcId",
    ),
    (
        "hybrid-cloud-aws/aws_configs/us-west-2",
        "DhcpOptions.json",
        lambda files: files["DhcpOptions.json"]["DhcpOptions"][0]["DhcpConfigurations"][1]["Values"][0].update(
            Value="not a server"
        ),
        "an IP address or AmazonProvidedDNS",
    ),
    (
        "test-vpc-endpoint-interface/aws_configs/us-east-1",
        "VpcEndpoints.json",
        lambda files: files["VpcEndpoints.json"]["VpcEndpoints"][0]["Groups"][0].pop("GroupId"),
        "Groups.GroupId",
    ),
    (
        "test-transit-gateway/aws_configs",
        "NetworkInterfaces.json",
        lambda files: files["NetworkInterfaces.json"]["NetworkInterfaces"][0].update(PrivateIpAddresses=[]),
        "PrivateIpAddresses",
    ),
]


@pytest.mark.parametrize(("folder", "name", "change", "words"), REFUSED, ids=[f"{r[1]}-{r[3]}" for r in REFUSED])
def test_what_a_trace_or_drawing_would_fail_on_is_refused_naming_the_file(
    folder: str, name: str, change: Any, words: str
) -> None:
    where = dumps_folder() / folder
    files = {p.name: json.loads(p.read_text()) for p in sorted(where.glob("*.json"))}
    change(files)
    store = Store(MemoryBackend())
    payload = {"files": [{"name": f"aws_configs/{n}", "content": c} for n, c in files.items()]}
    with pytest.raises(ImportFailed) as refused:
        import_payload(store, {**payload, "region": "us-west-2" if "us-west-2" in folder else "us-east-2"})
    assert f"aws_configs/{name}" in str(refused.value) and words in str(refused.value), refused.value
    assert store.revision == 0
