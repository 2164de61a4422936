"""DNS names as Route 53 stores and shows them, and the ids it gives.

Route 53 answers every name fully qualified, lowercase, with a trailing dot, and writes ``*`` as ``\\052``
[Route 53 DG "DNS domain name format"]; ids are ``Z`` (zones) or ``C`` (changes) and uppercase letters and digits,
shown with their path (``/hostedzone/Z...``, ``/change/C...``) in answers and taken bare in requests (botocore strips
the path before sending).

>>> canonical("WWW.Example.com")
'www.example.com.'
>>> shown("*.example.com.")
'\\\\052.example.com.'
>>> within("a.b.example.com.", "example.com."), within("notexample.com.", "example.com.")
(True, False)
"""

from __future__ import annotations

import re

from vpcsim.errors import ApiError

_LABEL = re.compile(r"^(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)$")
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ZONE_PATH, CHANGE_PATH = "/hostedzone/", "/change/"


def canonical(name: str) -> str:
    """``name`` lowercased and fully qualified; ``\\052`` read back as ``*``."""
    text = name.strip().lower().replace("\\052", "*")
    return text if text.endswith(".") else text + "."


def shown(name: str) -> str:
    return name.replace("*", "\\052")


def check_domain(name: str) -> str:
    """The canonical form of a domain name, or ``InvalidDomainName``."""
    text = canonical(name)
    labels = text[:-1].split(".")
    if len(text) > 255 or not text[:-1] or not all(_LABEL.match(label) for label in labels):
        raise ApiError("InvalidDomainName", f"{name} is not a valid domain name.")
    return text


def within(name: str, zone: str) -> bool:
    """Whether ``name`` is the zone's apex or a name below it."""
    return name == zone or name.endswith("." + zone)


def bare(identifier: str, path: str) -> str:
    """``Z123`` from ``Z123`` or ``/hostedzone/Z123``."""
    return identifier[len(path) :] if identifier.startswith(path) else identifier
