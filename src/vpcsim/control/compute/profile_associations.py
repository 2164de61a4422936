"""IAM instance profiles on instances: at launch (RunInstances ``IamInstanceProfile``) and afterwards
(AssociateIamInstanceProfile, DescribeIamInstanceProfileAssociations, ReplaceIamInstanceProfileAssociation,
DisassociateIamInstanceProfile).

Design: an association is a record of kind ``iam-instance-profile-association`` (id ``iip-assoc-`` + 17 hex) in the
instance's account and Region whose parent is the instance; its doc is the ``IamInstanceProfileAssociation`` AWS
describes. The instance's own ``IamInstanceProfile`` member (``{Arn, Id}``) changes with it in the same call.
Profiles are IAM's (control/iam/instance_profiles.py): named by ARN or name, they must exist in the caller's account.

Facts [EC2API AssociateIamInstanceProfile, DescribeIamInstanceProfileAssociations,
ReplaceIamInstanceProfileAssociation, DisassociateIamInstanceProfile; EC2UG "IAM roles for Amazon EC2"]: an
instance has at most one profile ("There is an existing association for instance <id>", IncorrectState); a new
association is ``associating`` and then ``associated``, a removed one ``disassociating`` and then gone from the
listing (its filters know ``associating | associated | disassociating``); the instance shows the profile's ARN and id.
An unknown profile at launch is ``InvalidParameterValue`` "Value (<name>) for parameter iamInstanceProfile.name is
invalid. Invalid IAM Instance Profile name" (AWS's answer, which Terraform's provider retries on while IAM
propagates). Choices named here: an association takes 5 seconds at AWS's pace; an unknown ARN is answered in the same
form ("... parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN"); an unknown association
id is ``InvalidAssociationID.NotFound`` "The association ID '<id>' does not exist"; associations of terminated
instances are not listed.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core import lifecycle
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member
from vpcsim.control.core.lookup import get
from vpcsim.control.iam.instance_profiles import find_profile, find_profile_by_arn
from vpcsim.errors import IncorrectState, InvalidParameter, MissingParameter, NotFound
from vpcsim.model import Record

KIND = "iam-instance-profile-association"
SECONDS = 5.0
_GONE = "disassociated"


def profile_of(call: Call, given: dict[str, Any]) -> dict[str, str]:
    """``{Arn, Id}`` of the caller's instance profile named by ``given`` (``Arn`` or ``Name``)."""
    arn, name = given.get("Arn"), given.get("Name")
    if not arn and not name:
        raise MissingParameter("IamInstanceProfile.Arn or IamInstanceProfile.Name")
    profile = find_profile_by_arn(call.tx, arn) if arn else find_profile(call.tx, call.account, str(name))
    if (
        profile is None
        or profile.account != call.account
        or (arn and name and profile.doc["InstanceProfileName"] != name)
    ):
        which, value, noun = ("arn", arn, "ARN") if arn else ("name", name, "name")
        raise InvalidParameter(
            "InvalidParameterValue",
            f"Value ({value}) for parameter iamInstanceProfile.{which} is invalid. Invalid IAM Instance Profile {noun}",
        )
    return {"Arn": profile.doc["Arn"], "Id": profile.doc["InstanceProfileId"]}


def create(call: Call, instance: Record, profile: dict[str, str]) -> Record:
    """A new association of ``profile`` with ``instance`` (associating, then associated)."""
    aid = call.new_id("iip-assoc", KIND)
    doc = {
        "AssociationId": aid,
        "InstanceId": instance.id,
        "IamInstanceProfile": profile,
        "Timestamp": call.timestamp(),
    }
    record = call.record(KIND, aid, {**doc, "State": "associated"}, instance.id)
    return call.tx.put(record.with_extra(transition=lifecycle.begin(call, "associating", SECONDS)))


def _current(call: Call, instance_id: str) -> Record | None:
    for record in call.tx.children(KIND, instance_id):
        if record.doc["State"] != _GONE:
            return record
    return None


def _association(call: Call, aid: str) -> Record:
    record = call.tx.find(KIND, aid)
    if record is None or (record.account, record.region) != (call.account, call.region.name):
        raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{aid}' does not exist")
    if lifecycle.seen(call, record).doc["State"] == _GONE:
        raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{aid}' does not exist")
    return record


def _set_profile(call: Call, instance_id: str, profile: dict[str, str] | None) -> None:
    instance = get(call, "instance", instance_id)
    call.tx.put(instance.with_doc(IamInstanceProfile=profile))


def _shown(call: Call, record: Record) -> dict[str, Any]:
    return dict(lifecycle.seen(call, record).doc)


# -- the calls ------------------------------------------------------------------------------------------------------
def associate_iam_instance_profile(call: Call, params: Params) -> Result:
    instance = get(call, "instance", params["InstanceId"])
    if instance.doc["State"]["Name"] in ("shutting-down", "terminated"):
        raise IncorrectState("IncorrectInstanceState", f"The instance '{instance.id}' is not in a valid state.")
    if _current(call, instance.id) is not None:
        raise IncorrectState("IncorrectState", f"There is an existing association for instance {instance.id}")
    profile = profile_of(call, params["IamInstanceProfile"])
    record = create(call, instance, profile)
    _set_profile(call, instance.id, profile)
    return {"IamInstanceProfileAssociation": _shown(call, record)}


def replace_iam_instance_profile_association(call: Call, params: Params) -> Result:
    old = _association(call, params["AssociationId"])
    profile = profile_of(call, params["IamInstanceProfile"])
    call.tx.delete(KIND, old.id)
    record = create(call, get(call, "instance", old.doc["InstanceId"]), profile)
    _set_profile(call, old.doc["InstanceId"], profile)
    return {"IamInstanceProfileAssociation": _shown(call, record)}


def disassociate_iam_instance_profile(call: Call, params: Params) -> Result:
    record = _association(call, params["AssociationId"])
    gone = call.tx.put(lifecycle.become(call, record, _GONE, "disassociating", SECONDS))
    _set_profile(call, record.doc["InstanceId"], None)
    return {"IamInstanceProfileAssociation": _shown(call, gone)}


def _listed(call: Call, record: Record) -> bool:
    instance = call.tx.find("instance", record.doc["InstanceId"])
    alive = instance is not None and instance.doc["State"]["Name"] != "terminated"
    return alive and lifecycle.seen(call, record).doc["State"] != _GONE


LISTING = Listing(
    KIND,
    "IamInstanceProfileAssociations",
    None,
    {"instance-id": member("InstanceId"), "state": member("State")},
    max_results=(5, 1000),
)


def describe_iam_instance_profile_associations(call: Call, params: Params) -> Result:
    records = [lifecycle.seen(call, r) for r in call.scan(KIND) if _listed(call, r)]
    wanted = params.get("AssociationIds")
    if wanted:
        found = {r.id for r in records}
        missing = [aid for aid in wanted if aid not in found]
        if missing:
            raise NotFound("InvalidAssociationID.NotFound", f"The association ID '{missing[0]}' does not exist")
        records = [r for r in records if r.id in set(wanted)]
    return LISTING.run(call, params, records)


__all__ = [
    "KIND",
    "associate_iam_instance_profile",
    "create",
    "describe_iam_instance_profile_associations",
    "disassociate_iam_instance_profile",
    "profile_of",
    "replace_iam_instance_profile_association",
]
