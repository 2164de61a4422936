"""Route 53 Resolver endpoints, rules and rule associations, from what ``aws route53resolver list-resolver-endpoints``,
``list-resolver-rules`` and ``list-resolver-rule-associations`` print, into the records the control plane's resolver
family writes (``control/resolver/``).

An endpoint's addresses are not in ``list-resolver-endpoints``: ``list-resolver-endpoint-ip-addresses`` lists them
without saying for which endpoint, so its file is named after it (``rslvr-out-...``). Each address is linked to the
interface AWS placed for it (the interface of the import or the state in its subnet with its address), where the data
plane delivers the queries. Without that output, an endpoint's addresses are taken from the interfaces described as
``Route 53 Resolver: <endpoint id>`` (the requester-managed interfaces ``describe-network-interfaces`` lists), said in
the summary; an endpoint with neither has no address to answer on (also said).

Their tags (``list-tags-for-resource``: a rule's ``vpcsim:records`` declares what servers outside AWS answer) come in
a file named after the endpoint or rule, as the API's ARN names it. The autodefined rules and their associations
(``rslvr-autodefined-...``: the Internet Resolver every VPC uses) are every account's: vpcsim answers them itself, so
they are counted as reference data, never stored.
"""

from __future__ import annotations

import re
from pathlib import Path

from vpcsim.importer.batch import Batch, Doc, Scope, Source, derived_id, items, need, record, tags_of, without
from vpcsim.model import Record
from vpcsim.model.arns import parse_arn

ENDPOINT, RULE, ASSOCIATION = "resolver-endpoint", "resolver-rule", "resolver-rule-association"
_AUTODEFINED = "rslvr-autodefined-"
_DESCRIPTION = "Route 53 Resolver: "  # how AWS (and vpcsim) describe an endpoint's interfaces
_LISTED = "resolver-addresses"  # batch.pending: the endpoints whose addresses the import lists
_NAMED = re.compile(r"rslvr-(?:in|out|rr)-[0-9a-f]+")


def _scope(source: Source, item: Doc) -> Scope:
    arn = parse_arn(str(item.get("Arn") or ""))
    return Scope(arn.account, arn.region) if arn and arn.account and arn.region else source.scope


def endpoints(batch: Batch, source: Source) -> None:
    """``list-resolver-endpoints`` (or ``get-resolver-endpoint``'s one)."""
    one = source.data.get("ResolverEndpoint")
    for item in [one] if isinstance(one, dict) else items(source, "ResolverEndpoints"):
        need(source, item, "Id", "Direction", "HostVPCId")
        doc = {"Status": "OPERATIONAL", "SecurityGroupIds": [], **item}
        batch.put(record(ENDPOINT, item["Id"], _scope(source, item), doc, item["HostVPCId"]))


def endpoint_addresses(batch: Batch, source: Source, endpoint_id: str) -> None:
    """``list-resolver-endpoint-ip-addresses`` of the endpoint the file name names."""
    endpoint = batch.find(ENDPOINT, endpoint_id)
    if endpoint is None:
        batch.dangle(f"{source.path}: addresses of {endpoint_id}, a Resolver endpoint the import and the state lack")
        return
    addresses = []
    for item in items(source, "IpAddresses"):
        need(source, item, "IpId", "SubnetId")
        addresses.append(without(item, "NetworkInterfaceId"))
    batch.amend(endpoint.with_extra(addresses=addresses))
    batch.pending.setdefault(_LISTED, set()).add(endpoint_id)


def rules(batch: Batch, source: Source) -> None:
    for item in items(source, "ResolverRules"):
        need(source, item, "Id", "RuleType")
        if str(item["Id"]).startswith(_AUTODEFINED):
            batch.reference["autodefined Resolver rules (vpcsim answers them itself)"] += 1
            continue
        batch.put(record(RULE, item["Id"], _scope(source, item), without(item, "Tags"), None, tags_of(item)))


def associations(batch: Batch, source: Source) -> None:
    for item in items(source, "ResolverRuleAssociations"):
        need(source, item, "Id", "ResolverRuleId", "VPCId")
        if str(item["ResolverRuleId"]).startswith(_AUTODEFINED):
            batch.reference["autodefined Resolver rule associations (vpcsim answers them itself)"] += 1
            continue
        doc = {"Status": "COMPLETE", **without(item, "StatusMessage")}
        batch.put(record(ASSOCIATION, item["Id"], source.scope, doc, item["VPCId"]))


def resource_tags(batch: Batch, source: Source) -> bool:
    """``route53resolver list-tags-for-resource`` (``{"Tags": [...]}`` naming no resource: the file name names the
    endpoint or rule, as the API's ARN did); False for any other tags output."""
    found = _NAMED.search(Path(source.path).name)
    listed = items(source, "Tags")
    if found is None or any("ResourceId" in t for t in listed):
        return False
    rid = found.group(0)
    known = batch.find(RULE, rid) or batch.find(ENDPOINT, rid)
    if known is None:
        batch.dangle(f"{source.path}: tags of {rid}, a Resolver resource neither the import nor the state has")
    else:
        batch.amend(known.evolve(tags={**known.tags, **tags_of(source.data)}))
    return True


# -- once every file is read ------------------------------------------------------------------------------------------
def finish(batch: Batch) -> None:
    """Each imported endpoint's addresses linked to their interfaces; each rule's endpoint and association's rule."""
    for endpoint in batch.imported(ENDPOINT):
        addresses = [_linked(batch, endpoint, a) for a in endpoint.extra.get("addresses") or []]
        if endpoint.id not in batch.pending.get(_LISTED, set()):
            addresses = _from_interfaces(batch, endpoint) or addresses
        batch.amend(endpoint.with_extra(addresses=addresses))
        if not any(a.get("NetworkInterfaceId") for a in addresses):
            batch.assume(f"{endpoint.id}: no interface of this Resolver endpoint is in the import: it answers nothing")
    for rule in batch.imported(RULE):
        used = rule.doc.get("ResolverEndpointId")
        if used and batch.find(ENDPOINT, str(used)) is None:
            batch.dangle(f"{rule.id}: its Resolver endpoint {used} is in neither the import nor the state")
    for association in batch.imported(ASSOCIATION):
        rid = str(association.doc["ResolverRuleId"])
        if batch.find(RULE, rid) is None:
            batch.dangle(f"{association.id}: its Resolver rule {rid} is in neither the import nor the state")


def _linked(batch: Batch, endpoint: Record, address: Doc) -> Doc:
    if address.get("NetworkInterfaceId"):
        return address
    for eni in batch.children("network-interface", endpoint.doc["HostVPCId"]):
        if eni.doc.get("SubnetId") == address.get("SubnetId") and eni.doc.get("PrivateIpAddress") == address.get("Ip"):
            return {**address, "NetworkInterfaceId": eni.id}
    return address


def _from_interfaces(batch: Batch, endpoint: Record) -> list[Doc]:
    """The addresses an endpoint's interfaces hold, when its own listing of them is not in the import."""
    enis = [
        eni
        for eni in batch.children("network-interface", endpoint.doc["HostVPCId"])
        if str(eni.doc.get("Description") or "").startswith(_DESCRIPTION + endpoint.id)
    ]
    if enis:
        batch.assume(
            f"{endpoint.id}: its addresses taken from its interfaces ({', '.join(e.id for e in enis)}): the import "
            "lists none (list-resolver-endpoint-ip-addresses)"
        )
    return [
        {
            "IpId": derived_id("rni", endpoint.id, eni.id),
            "SubnetId": eni.doc.get("SubnetId"),
            "Ip": eni.doc.get("PrivateIpAddress"),
            "Status": "ATTACHED",
            "StatusMessage": "This IP address is operational.",
            "NetworkInterfaceId": eni.id,
        }
        for eni in enis
    ]
