"""The AWS wire: generic parse and serialise over botocore's service models.

This package knows shapes, not semantics. One walker parses every Query/EC2 request into the operation's input shape
and one walker serialises every result from the output shape; a protocol variant is a subclass that overrides the two
or three places where EC2 differs from plain Query (names, lists, envelopes), as botocore's ``EC2Serializer`` does.
The rest-xml (S3) and JSON (DynamoDB) protocols live beside them (rest_xml.py, aws_json.py): a router that finds
the operation from the model's ``http`` traits, a parser and a serialiser each. No operation name appears in this
package.
"""

from vpcsim.protocol.aws_json import JsonRequestParser, JsonResponseSerializer, operation_for_target
from vpcsim.protocol.query import Ec2RequestParser, QueryRequestParser, RequestParser
from vpcsim.protocol.responses import Ec2ResponseSerializer, QueryResponseSerializer, ResponseSerializer
from vpcsim.protocol.rest_xml import (
    RestRequest,
    RestResponse,
    RestXmlRequestParser,
    RestXmlResponseSerializer,
    RestXmlRouter,
    service_namespace,
)
from vpcsim.protocol.services import Service, load_service, service_for_scope
from vpcsim.protocol.sigv4 import CredentialScope, credential_scope

__all__ = [
    "CredentialScope",
    "Ec2RequestParser",
    "Ec2ResponseSerializer",
    "JsonRequestParser",
    "JsonResponseSerializer",
    "QueryRequestParser",
    "QueryResponseSerializer",
    "RequestParser",
    "ResponseSerializer",
    "RestRequest",
    "RestResponse",
    "RestXmlRequestParser",
    "RestXmlResponseSerializer",
    "RestXmlRouter",
    "Service",
    "credential_scope",
    "load_service",
    "operation_for_target",
    "service_for_scope",
    "service_namespace",
]
