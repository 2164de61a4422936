"""The rest-xml router finds operations from the service model alone, with or without a trailing slash."""

from __future__ import annotations

import pytest

from vpcsim.protocol.rest_xml import RestXmlRouter
from vpcsim.protocol.services import load_service


@pytest.mark.parametrize(
    "path", ["/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset/", "/2013-04-01/hostedzone/Z1D633PJN98FT9/rrset"]
)
def test_route53_record_changes_with_and_without_the_model_trailing_slash(path: str) -> None:
    found = RestXmlRouter(load_service("route53").model).route("POST", path, {})
    assert found is not None
    operation, labels = found
    assert operation.name == "ChangeResourceRecordSets" and labels == {"Id": "Z1D633PJN98FT9"}


@pytest.mark.parametrize(
    ("path", "name"), [("/2013-04-01/hostedzone/Z1", "GetHostedZone"), ("/2013-04-01/hostedzone/Z1/", "GetHostedZone")]
)
def test_a_route_without_a_trailing_slash_takes_one_too(path: str, name: str) -> None:
    found = RestXmlRouter(load_service("route53").model).route("GET", path, {})
    assert found is not None and found[0].name == name


def test_unknown_paths_find_nothing() -> None:
    router = RestXmlRouter(load_service("route53").model)
    assert router.route("POST", "/2013-04-01/hostedzone/Z1/nothing-here", {}) is None
    assert router.route("DELETE", "/2013-04-01/change/C1", {}) is None
