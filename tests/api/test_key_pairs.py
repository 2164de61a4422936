"""Key pairs and Elastic IP address attributes through real boto3 and the AWS CLI. Keys are checked with the
``cryptography`` library: real key material, and fingerprints computed as AWS documents them."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.api.amis import AMI
from tests.conftest import error_code


def _error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    return error_code(excinfo)


def _colons(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def test_create_rsa_key_pair(ec2: Any) -> None:
    made = ec2.create_key_pair(
        KeyName="deploy", TagSpecifications=[{"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "ops"}]}]
    )
    assert made["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    key = serialization.load_pem_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert made["KeyFingerprint"] == _colons(hashlib.sha1(pkcs8).digest())  # created RSA keys: SHA-1 of PKCS#8
    assert made["KeyPairId"].startswith("key-") and made["Tags"] == [{"Key": "team", "Value": "ops"}]
    shown = ec2.describe_key_pairs(KeyNames=["deploy"], IncludePublicKey=True)["KeyPairs"][0]
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    assert shown["PublicKey"].split()[:2] == public.decode().split() and shown["KeyType"] == "rsa"
    assert "PublicKey" not in ec2.describe_key_pairs(KeyNames=["deploy"])["KeyPairs"][0]
    assert _error(ec2.create_key_pair, KeyName="deploy") == "InvalidKeyPair.Duplicate"


def test_create_ed25519_and_ppk_keys(ec2: Any) -> None:
    made = ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
    key = serialization.load_ssh_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    blob = base64.b64decode(
        key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).split()[1]
    )
    assert made["KeyFingerprint"] == base64.b64encode(hashlib.sha256(blob).digest()).decode()
    ppk = ec2.create_key_pair(KeyName="putty", KeyFormat="ppk")["KeyMaterial"]
    lines = ppk.splitlines()
    assert lines[0] == "PuTTY-User-Key-File-2: ssh-rsa" and lines[1] == "Encryption: none"
    _check_ppk_mac(lines)


def _check_ppk_mac(lines: list[str]) -> None:
    """PuTTY's version 2 MAC: HMAC-SHA-1 over the algorithm, encryption, comment and both blobs."""
    fields = dict(line.split(": ", 1) for line in lines if ": " in line)
    public_count = int(fields["Public-Lines"])
    start = lines.index(f"Public-Lines: {public_count}") + 1
    public = base64.b64decode("".join(lines[start : start + public_count]))
    private_count = int(fields["Private-Lines"])
    start = lines.index(f"Private-Lines: {private_count}") + 1
    private = base64.b64decode("".join(lines[start : start + private_count]))

    def string(data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + data

    algorithm = fields["PuTTY-User-Key-File-2"].encode()
    signed = b"".join(string(x) for x in (algorithm, b"none", fields["Comment"].encode(), public, private))
    key = hashlib.sha1(b"putty-private-key-file-mac-key").digest()
    assert hmac.new(key, signed, hashlib.sha1).hexdigest() == fields["Private-MAC"]


def test_import_key_pairs(ec2: Any) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    openssh = rsa_key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    imported = ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=openssh + b" me@laptop")
    der = rsa_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert imported["KeyFingerprint"] == _colons(hashlib.md5(der).digest())  # imported RSA keys: MD5 of the DER key
    ed_key = ed25519.Ed25519PrivateKey.generate().public_key()
    ed_openssh = ed_key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    ed = ec2.import_key_pair(KeyName="ed", PublicKeyMaterial=ed_openssh)
    digest = hashlib.sha256(base64.b64decode(ed_openssh.split()[1])).digest()
    assert ed["KeyFingerprint"] == base64.b64encode(digest).decode()
    assert _error(ec2.import_key_pair, KeyName="junk", PublicKeyMaterial=b"not a key") == "InvalidKeyPair.Format"
    small = rsa.generate_private_key(public_exponent=65537, key_size=1536).public_key()
    small_openssh = small.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    assert _error(ec2.import_key_pair, KeyName="small", PublicKeyMaterial=small_openssh) == "InvalidKeyPair.Format"
    found = ec2.describe_key_pairs(Filters=[{"Name": "fingerprint", "Values": [ed["KeyFingerprint"]]}])["KeyPairs"]
    assert [k["KeyName"] for k in found] == ["ed"] and found[0]["KeyType"] == "ed25519"


def test_describe_delete_and_launch_with_a_key(ec2: Any) -> None:
    kid = ec2.create_key_pair(KeyName="web")["KeyPairId"]
    assert _error(ec2.describe_key_pairs, KeyNames=["nope"]) == "InvalidKeyPair.NotFound"
    assert [k["KeyName"] for k in ec2.describe_key_pairs(KeyPairIds=[kid])["KeyPairs"]] == ["web"]
    assert _error(ec2.run_instances, ImageId=AMI, MinCount=1, MaxCount=1, KeyName="nope") == "InvalidKeyPair.NotFound"
    launched = ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, KeyName="web")["Instances"][0]
    assert launched["KeyName"] == "web"
    assert ec2.delete_key_pair(KeyName="web")["KeyPairId"] == kid
    assert ec2.describe_key_pairs()["KeyPairs"] == []
    assert ec2.delete_key_pair(KeyName="web")["Return"] is True  # deleting again succeeds


def test_key_pairs_through_the_cli(aws: Any) -> None:
    made = aws("ec2", "create-key-pair", "--key-name", "cli", "--key-type", "ed25519")
    assert made["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    listed = aws("ec2", "describe-key-pairs", "--filters", "Name=key-name,Values=cli")
    assert [k["KeyPairId"] for k in listed["KeyPairs"]] == [made["KeyPairId"]]
    assert aws.error("ec2", "describe-key-pairs", "--key-names", "missing") == "InvalidKeyPair.NotFound"


def test_elastic_ip_domain_name_attribute(ec2: Any, aws: Any) -> None:
    allocation = ec2.allocate_address(Domain="vpc")
    aid = allocation["AllocationId"]
    shown = ec2.describe_addresses_attribute(AllocationIds=[aid], Attribute="domain-name")["Addresses"]
    assert shown == [{"PublicIp": allocation["PublicIp"], "AllocationId": aid}]
    changed = ec2.modify_address_attribute(AllocationId=aid, DomainName="mail.example.com")["Address"]
    assert changed["PtrRecordUpdate"] == {"Value": "mail.example.com.", "Status": "PENDING"}
    shown = ec2.describe_addresses_attribute(AllocationIds=[aid], Attribute="domain-name")["Addresses"]
    assert shown[0]["PtrRecord"] == "mail.example.com."
    ec2.reset_address_attribute(AllocationId=aid, Attribute="domain-name")
    assert "PtrRecord" not in ec2.describe_addresses_attribute(Attribute="domain-name")["Addresses"][0]
    missing = "eipalloc-0123456789abcdef0"
    assert (
        _error(ec2.describe_addresses_attribute, AllocationIds=[missing], Attribute="domain-name")
        == "InvalidAllocationID.NotFound"
    )
    listed = aws("ec2", "describe-addresses-attribute", "--attribute", "domain-name")
    assert [a["AllocationId"] for a in listed["Addresses"]] == [aid]
