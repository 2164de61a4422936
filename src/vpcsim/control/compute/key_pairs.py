"""Key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair (keys themselves: ``key_material``).

Facts [EC2API; EC2ERR]: key pairs are per Region; names are 1-255 ASCII characters, unique in the Region
(``InvalidKeyPair.Duplicate``, "The keypair 'x' already exists."); KeyType ``rsa`` (default) or ``ed25519``,
KeyFormat ``pem`` (default) or ``ppk``; DescribeKeyPairs with an unknown name or id is
``InvalidKeyPair.NotFound``; DeleteKeyPair of a key that does not exist succeeds; the public key is returned only
with ``IncludePublicKey``.

Choice [vpcsim]: the public key is shown in OpenSSH form followed by the key's name, as AWS shows keys it created.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.compute import key_material
from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.core.describe import Listing, member, present
from vpcsim.control.core.lookup import check_id, find
from vpcsim.control.core.tags import tags_for
from vpcsim.errors import ApiError, InvalidParameter, MissingParameter, NotFound
from vpcsim.model import Record

_TYPES = ("rsa", "ed25519")
_FORMATS = ("pem", "ppk")

LISTING = Listing(
    kind="key-pair",
    page_member="KeyPairs",
    filters={
        "key-pair-id": member("KeyPairId"),
        "fingerprint": member("KeyFingerprint"),
        "key-name": member("KeyName"),
    },
)


def find_key_pair(call: Call, name: str) -> Record | None:
    return next((r for r in call.scan("key-pair") if r.doc["KeyName"] == name), None)


def _check_name(call: Call, name: str) -> None:
    if not name or len(name) > 255 or not name.isascii():
        raise InvalidParameter("InvalidParameterValue", "Key pair names must be 1 to 255 ASCII characters.")
    if find_key_pair(call, name) is not None:
        raise ApiError("InvalidKeyPair.Duplicate", f"The keypair '{name}' already exists.")


def _store(call: Call, name: str, material: key_material.Material, params: Params) -> Record:
    tags = tags_for(call, params, "key-pair")
    kid = call.new_id("key", "key-pair")
    doc = {
        "KeyPairId": kid,
        "KeyType": material.key_type,
        "CreateTime": call.timestamp(),
        "KeyName": name,
        "KeyFingerprint": material.fingerprint,
    }
    record = call.record("key-pair", kid, doc, public_key=f"{material.public_openssh} {name}")
    return call.tx.put(record.evolve(tags=tags))


def _answer(record: Record) -> dict[str, Any]:
    shown = present(record)
    return {k: shown[k] for k in ("KeyFingerprint", "KeyName", "KeyPairId", "Tags") if k in shown}


def create_key_pair(call: Call, params: Params) -> Result:
    name = params["KeyName"]
    key_type, key_format = params.get("KeyType") or "rsa", params.get("KeyFormat") or "pem"
    if key_type not in _TYPES:
        raise InvalidParameter("InvalidParameterValue", f"Value ({key_type}) for parameter keyType is invalid.")
    if key_format not in _FORMATS:
        raise InvalidParameter("InvalidParameterValue", f"Value ({key_format}) for parameter keyFormat is invalid.")
    _check_name(call, name)
    material = key_material.generate(key_type, key_format, name)
    record = _store(call, name, material, params)
    return {**_answer(record), "KeyMaterial": material.private}


def import_key_pair(call: Call, params: Params) -> Result:
    name = params["KeyName"]
    _check_name(call, name)
    material = key_material.imported(params["PublicKeyMaterial"])
    return _answer(_store(call, name, material, params))


def describe_key_pairs(call: Call, params: Params) -> Result:
    records = call.scan("key-pair")
    names, ids = params.get("KeyNames") or [], params.get("KeyPairIds") or []
    for kid in ids:
        check_id("key-pair", kid)
    missing = [n for n in names if not any(r.doc["KeyName"] == n for r in records)]
    missing += [i for i in ids if not any(r.id == i for r in records)]
    if missing:
        raise NotFound("InvalidKeyPair.NotFound", f"The key pair '{', '.join(missing)}' does not exist")
    if names or ids:
        records = [r for r in records if r.doc["KeyName"] in names or r.id in ids]
    listed = LISTING.run(call, params, records=records)
    if params.get("IncludePublicKey"):
        by_id = {r.id: r for r in records}
        for shown in listed["KeyPairs"]:
            public = by_id[shown["KeyPairId"]].extra.get("public_key")
            if public:  # none for a key imported from describe-key-pairs without --include-public-key
                shown["PublicKey"] = public
    return listed


def delete_key_pair(call: Call, params: Params) -> Result:
    name, kid = params.get("KeyName"), params.get("KeyPairId")
    if not name and not kid:
        raise MissingParameter("KeyName or KeyPairId")
    if kid:
        check_id("key-pair", kid)
    record = find(call, "key-pair", kid) if kid else find_key_pair(call, name or "")
    # Deleting a key pair that does not exist succeeds, as AWS has long answered [choice: vpcsim, not documented].
    if record is None:
        return {"Return": True}
    call.tx.delete("key-pair", record.id)
    return {"Return": True, "KeyPairId": record.id}
