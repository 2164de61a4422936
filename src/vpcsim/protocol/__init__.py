"""The AWS wire: generic parse and serialise over botocore's service models.

This package knows shapes, not semantics. One walker parses every Query/EC2 request into the operation's input shape
and one walker serialises every result from the output shape; a protocol variant is a subclass that overrides the two
or three places where EC2 differs from plain Query (names, lists, envelopes), as botocore's ``EC2Serializer`` does.
No operation name appears in this package.
"""

from vpcsim.protocol.query import Ec2RequestParser, QueryRequestParser, RequestParser
from vpcsim.protocol.responses import Ec2ResponseSerializer, QueryResponseSerializer, ResponseSerializer
from vpcsim.protocol.services import Service, load_service, service_for_scope
from vpcsim.protocol.sigv4 import CredentialScope, credential_scope

__all__ = [
    "CredentialScope",
    "Ec2RequestParser",
    "Ec2ResponseSerializer",
    "QueryRequestParser",
    "QueryResponseSerializer",
    "RequestParser",
    "ResponseSerializer",
    "Service",
    "credential_scope",
    "load_service",
    "service_for_scope",
]
