"""Key material for key pairs: real keys for CreateKeyPair, parsing for ImportKeyPair, and AWS's fingerprints.

Facts [EC2UG "Create a key pair", "Import a public key", "Verify the fingerprint of your key pair"]:
- CreateKeyPair makes an RSA 2048-bit or an ED25519 key and returns the private key as ``pem`` (RSA: PKCS#1
  ``BEGIN RSA PRIVATE KEY``; ED25519: OpenSSH ``BEGIN OPENSSH PRIVATE KEY``) or as PuTTY's ``ppk``.
- Fingerprints: RSA created by EC2, SHA-1 of the private key in PKCS#8 DER; RSA imported, MD5 of the public key in
  DER (SubjectPublicKeyInfo); ED25519 either way, SHA-256 of the OpenSSH public key blob, base64 with the ``=``
  padding EC2 appends. Hex digests are written as colon-separated pairs.
- ImportKeyPair takes OpenSSH public keys, base64 DER and RFC 4716 (SSH2) files; RSA keys of 1024, 2048 or 4096 bits
  and ED25519 keys; anything else is ``InvalidKeyPair.Format``.

Choice [vpcsim]: ``ppk`` output is PuTTY's version 2 format, unencrypted (AWS does not say which version it writes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from vpcsim.errors import InvalidParameter

_RSA_SIZES = (1024, 2048, 4096)
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey


@dataclass(frozen=True, slots=True)
class Material:
    key_type: str  # "rsa" | "ed25519"
    public_openssh: str  # "ssh-rsa AAAA..." without a comment
    fingerprint: str
    private: str = ""  # the private key as the caller asked for it; empty for an imported key


def _colons(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def _openssh(public: PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def _ed25519_fingerprint(public: ed25519.Ed25519PublicKey) -> str:
    blob = base64.b64decode(_openssh(public).split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode()


# -- CreateKeyPair -----------------------------------------------------------------------------------------------
def generate(key_type: str, key_format: str, comment: str) -> Material:
    if key_type == "ed25519":
        ed_key = ed25519.Ed25519PrivateKey.generate()
        pem = ed_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        ).decode()
        private = _ppk(ed_key, comment) if key_format == "ppk" else pem
        return Material("ed25519", _openssh(ed_key.public_key()), _ed25519_fingerprint(ed_key.public_key()), private)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs8 = rsa_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    private = _ppk(rsa_key, comment) if key_format == "ppk" else pem
    return Material("rsa", _openssh(rsa_key.public_key()), _colons(hashlib.sha1(pkcs8).digest()), private.rstrip())


# -- PuTTY's ppk (version 2, unencrypted) ------------------------------------------------------------------------
def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _mpint(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big") if value else b""
    return _string(raw)


def _ppk(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey, comment: str) -> str:
    public_blob = base64.b64decode(_openssh(key.public_key()).split()[1])
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        algorithm = "ssh-rsa"
        private_blob = _mpint(numbers.d) + _mpint(numbers.p) + _mpint(numbers.q) + _mpint(numbers.iqmp)
    else:
        algorithm = "ssh-ed25519"
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        private_blob = _string(raw)
    mac_key = hashlib.sha1(b"putty-private-key-file-mac-key").digest()
    signed = b"".join(_string(x) for x in (algorithm.encode(), b"none", comment.encode(), public_blob, private_blob))
    mac = hmac.new(mac_key, signed, hashlib.sha1).hexdigest()
    public_lines, private_lines = _lines(public_blob), _lines(private_blob)
    return "\n".join(
        [
            f"PuTTY-User-Key-File-2: {algorithm}",
            "Encryption: none",
            f"Comment: {comment}",
            f"Public-Lines: {len(public_lines)}",
            *public_lines,
            f"Private-Lines: {len(private_lines)}",
            *private_lines,
            f"Private-MAC: {mac}",
        ]
    )


def _lines(blob: bytes) -> list[str]:
    text = base64.b64encode(blob).decode()
    return [text[i : i + 64] for i in range(0, len(text), 64)]


# -- ImportKeyPair -----------------------------------------------------------------------------------------------
def imported(material: bytes) -> Material:
    """The imported public key's type, OpenSSH form and AWS fingerprint; ``InvalidKeyPair.Format`` if unusable."""
    public = _parse(material)
    if isinstance(public, ed25519.Ed25519PublicKey):
        return Material("ed25519", _openssh(public), _ed25519_fingerprint(public))
    if public.key_size not in _RSA_SIZES:
        raise _bad_format(f"RSA keys must be 1024, 2048 or 4096 bits long, not {public.key_size}.")
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return Material(
        "rsa", _openssh(public), _colons(hashlib.md5(der).digest())
    )  # AWS fingerprints imported RSA keys with MD5


def _parse(material: bytes) -> PublicKey:
    text = material.strip()
    public: PublicKeyTypes
    try:
        if text.startswith(b"---- BEGIN SSH2 PUBLIC KEY"):
            text = _from_rfc4716(text)
        if text.startswith((b"ssh-", b"ecdsa-")):
            public = serialization.load_ssh_public_key(b" ".join(text.split()[:2]))
        else:
            public = serialization.load_der_public_key(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, IndexError, UnicodeDecodeError, UnsupportedAlgorithm):
        raise _bad_format("Key is not in valid OpenSSH public key format") from None
    if not isinstance(public, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise _bad_format("Only RSA and ED25519 keys are supported.")
    return public


def _from_rfc4716(text: bytes) -> bytes:
    lines = [line.strip() for line in text.splitlines()[1:-1]]
    body, continued = [], False
    for line in lines:
        # Header lines ("Comment: ...") may continue with a trailing backslash [RFC 4716 3.3].
        if continued or b":" in line:
            continued = line.endswith(b"\\")
            continue
        body.append(line)
    blob = base64.b64decode(b"".join(body))
    name = blob[4 : 4 + struct.unpack(">I", blob[:4])[0]]
    return name + b" " + base64.b64encode(blob)


def _bad_format(message: str) -> InvalidParameter:
    return InvalidParameter("InvalidKeyPair.Format", message)
