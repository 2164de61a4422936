"""Generate src/vpcsim/catalog/data/services.json: the AWS services that offer VPC endpoints, per Region.

What DescribeVpcEndpointServices shows for ``Owner amazon``: one entry per (service name, type), stored once with the
Regions it is offered in (``"*"`` = every Region of regions.json, else an index into ``regionSets``); ``{region}`` in
a string stands for the Region.

Sources, combined in this order:
1. [PLG-LIST] AWS PrivateLink Guide, "AWS services that integrate with AWS PrivateLink" (current text, read 2026 from
   the guide's PDF edition): the service names transcribed in ``SERVICES`` below; also its examples: monitoring
   supports ipv6, the services that do not support endpoint policies, the IPv6 example output.
2. [DUMP-2020] a real DescribeVpcEndpointServices answer from us-east-1 (2020, Batfish test data,
   ../shared/datasets/aws-config-dumps/test-vpc-endpoint-gateway/aws_configs/us-east-1/VpcEndpointServices.json): real
   ServiceIds (us-east-1), PrivateDnsName and BaseEndpointDnsNames forms, VpcEndpointPolicySupported, AZ subsets.
   Read at generation time when present; the generator checks the derived DNS names against it.
3. [VPCUG-2021] awsdocs/amazon-vpc-user-guide doc_source/integrated-services-vpce-list.md ("Supports VPC endpoint
   policies" column), for policy support of services absent from 1.
4. botocore's data/endpoints.json (as installed): the Regions of each service (key ``key=`` or derived from the name);
   services it does not list are offered in the Regions that are not opt-in [UNCERTAIN: AWS publishes no per-Region
   table]; ``-fips`` names only in US and Canada Regions (where AWS runs FIPS endpoints).
5. [CLIEX] awscli examples/ec2/describe-vpc-endpoint-services.rst: Gateway entries (dynamodb) have BaseEndpointDnsNames
   ``<svc>.<region>.amazonaws.com`` and no PrivateDnsName; Interface ones ``<host>.<region>.vpce.amazonaws.com``.

Rules where no source gives the value [DERIVED]: private DNS host = the name, or for dotted names its labels
reversed (ecr.api -> api.ecr, as all dotted names in DUMP-2020 do); base DNS name = the private DNS host without
``*.``, under ``.vpce.amazonaws.com``; SupportedIpAddressTypes ``["ipv4"]`` unless listed with ``ipv6``.
Dropped though present in DUMP-2020: elastic-inference.runtime, qldb.session, sms, sms-fips (services retired).

Run: .venv/bin/python scripts/gen_services.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botocore.loaders import Loader

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src/vpcsim/catalog/data"
DUMP = ROOT.parent / "shared/datasets/aws-config-dumps/test-vpc-endpoint-gateway/aws_configs/us-east-1"
FIPS_REGIONS = {"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1"}

# One service per line: name [key=<botocore endpoints key>] [dns=<private DNS host>|dns=-] [base=<base DNS host>]
# [nopolicy] [ipv6] [regions=a,b].  A bare name means com.amazonaws.{region}.<name>; a full name contains "{region}"
# or is global.  A dns/base value holding "{region}" or ending in a domain is a full host name.
# nopolicy sources: PLG-LIST example (appmesh-envoy-management, apprunner.requests, appstream.*, awsconnector,
# transfer.server); VPCUG-2021 "No" (cloudformation, cloudtrail, codeguru-*, codepipeline, config, datasync, ebs, ecs*,
# glue, iotsitewise, managedblockchain, servicecatalog, email-smtp, ssm/ssmmessages/ec2messages, storagegateway,
# transfer, workspaces); DUMP-2020 false (elasticbeanstalk-health, sagemaker.runtime-fips). VPCUG-2021 overrides
# DUMP-2020 where they differ (kms: supported; config, workspaces: not), being the later text.
SERVICES = """
account ipv6
execute-api key=apigateway dns=*.execute-api
apigateway
appconfig
appconfig-fips
appconfigdata
appconfigdata-fips
appmesh nopolicy
appmesh-envoy-management key=appmesh nopolicy
apprunner
apprunner.requests key=apprunner nopolicy
application-autoscaling
discovery
arsenal-discovery key=discovery
mgn
appstream.api key=appstream2 dns=appstream2 base=api.appstream nopolicy
appstream.streaming key=appstream2 nopolicy
appsync-api key=appsync
athena
auditmanager
rds
rds-fips
dsql
autoscaling-plans
b2bi
backup
backup-gateway
batch
bedrock
bedrock-agent key=bedrock
bedrock-agent-runtime key=bedrock
bedrock-data-automation key=bedrock
bedrock-data-automation-fips key=bedrock
bedrock-data-automation-runtime key=bedrock
bedrock-data-automation-runtime-fips key=bedrock
bedrock-runtime key=bedrock
billing
freetier
tax
billingconductor
braket
acm
acm-fips
cleanrooms
cleanrooms-fips
cleanrooms-ml
cloudcontrolapi
cloudcontrolapi-fips
clouddirectory
cloudformation nopolicy
cloudformation-fips nopolicy
cloudhsmv2
servicediscovery
servicediscovery-fips
data-servicediscovery key=servicediscovery
data-servicediscovery-fips key=servicediscovery
cloudtrail nopolicy
networkmanager
application-signals
applicationinsights
internetmonitor
internetmonitor-fips
monitoring ipv6
networkflowmonitor
networkflowmonitorreports key=networkflowmonitor
networkmonitor
observabilityadmin
rum
rum-dataplane key=rum
synthetics
synthetics-fips
oam
logs
codeartifact.api key=codeartifact dns=codeartifact base=api.codeartifact
codeartifact.repositories key=codeartifact dns=*.d.codeartifact
codebuild
codebuild-fips
codecommit
codecommit-fips
git-codecommit key=codecommit
git-codecommit-fips key=codecommit
codeconnections.api dns=codeconnections
codestar-connections.api dns=codestar-connections
codedeploy
codedeploy-commands-secure key=codedeploy
codedeploy-fips
codeguru-profiler nopolicy
codeguru-reviewer nopolicy
codepipeline nopolicy
comprehend
comprehendmedical
compute-optimizer
config nopolicy
config-fips nopolicy
app-integrations
cases
connect-campaigns
profile
voiceid
wisdom
awsconnector nopolicy key=-
controlcatalog
ce
cost-optimization-hub
controltower
controltower-fips
dataexchange
aws.api.{region}.bcm-data-exports key=bcm-data-exports dns=bcm-data-exports.{region}.api.aws ipv6
bcm-pricing-calculator
kinesis-firehose key=firehose dns=firehose
dlm
dlm-fips
dms
dms-fips
datasync nopolicy
datazone
datazone-fips
deadline.management key=deadline
deadline.scheduling key=deadline
detective key=api.detective
detective-fips key=api.detective
devops-guru
directconnect
directconnect-fips
ds
ds-data
ds-data-fips
dynamodb-fips key=dynamodb
dynamodb-streams key=streams.dynamodb
ebs nopolicy
ebs-fips nopolicy
ec2
ec2-fips
autoscaling
autoscaling-fips
imagebuilder
ecr.api key=api.ecr
ecr.dkr key=api.ecr dns=*.dkr.ecr
ecs nopolicy
ecs-agent key=ecs dns=ecs-a nopolicy
ecs-telemetry key=ecs dns=ecs-t nopolicy
eks
eks-auth
eks-fips
eks-proxy key=eks
elasticbeanstalk
elasticbeanstalk-health key=elasticbeanstalk nopolicy
drs
elasticfilesystem
elasticfilesystem-fips
elasticloadbalancing
evs
evs-fips
elasticache
elasticache-fips
mediaconnect
mediaconvert
mediaconvert-fips
elasticmapreduce
elasticmapreduce-fips
emr-containers
emr-serverless
emr-serverless-services.livy key=emr-serverless
emr-serverless.dashboard key=emr-serverless
emrwal.prod
social-messaging
social-messaging-fips
entityresolution
entityresolution-fips
events
events-fips
pipes
pipes-data key=pipes
pipes-fips
schemas
scheduler
fis
fis-fips
finspace
finspace-api key=finspace
fms
fms-fips
forecast
forecastquery
forecast-fips
forecastquery-fips
frauddetector
fsx
fsx-fips
gamelift
gameliftstreams
glue nopolicy
glue.dashboard key=glue nopolicy
databrew
databrew-fips
grafana
grafana-workspace key=grafana
groundstation
groundstation-fips
guardduty
guardduty-data key=guardduty
guardduty-data-fips key=guardduty
guardduty-fips
dicom-medical-imaging key=medical-imaging
medical-imaging
runtime-medical-imaging key=medical-imaging
healthlake
analytics-omics key=omics
analytics-omics-fips key=omics
control-storage-omics key=omics
control-storage-omics-fips key=omics
storage-omics key=omics
tags-omics key=omics
tags-omics-fips key=omics
workflows-omics key=omics
workflows-omics-fips key=omics
com.amazonaws.iam key=iam dns=iam.amazonaws.com base=iam ipv6 regions=us-east-1
access-analyzer ipv6
access-analyzer-fips
identitystore
rolesanywhere
rolesanywhere-fips
inspector2
inspector2-fips
inspector-scan
inspector-scan-fips
ivs.contribute key=ivs
iot.api key=iot
iot-fips.api key=iot
iot.data key=data-ats.iot
iot.credentials key=iot
iot.tunneling.api key=api.tunneling.iot
iot-fips.tunneling.api key=api.tunneling.iot
iot.tunneling.data key=api.tunneling.iot
iot-fips.tunneling.data key=api.tunneling.iot
deviceadvisor.iot key=api.iotdeviceadvisor
iotmanagedintegrations.api
iotmanagedintegrations-fips.api
iotwireless.api key=api.iotwireless
lorawan.cups key=api.iotwireless
lorawan.lns key=api.iotwireless
iotfleetwise
greengrass
iotroborunner
iotsitewise.api key=iotsitewise nopolicy
iotsitewise.data key=iotsitewise nopolicy
iottwinmaker.api key=iottwinmaker
iottwinmaker.data key=iottwinmaker
kendra
aws.api.{region}.kendra-ranking key=kendra-ranking dns=kendra-ranking.{region}.api.aws ipv6
kms
kms-fips
cassandra
cassandra-fips key=cassandra
api.aws.{region}.cassandra-streams key=cassandra dns=cassandra-streams.{region}.api.aws ipv6
kinesis-streams key=kinesis dns=kinesis
kinesis-streams-fips key=kinesis dns=kinesis-fips
lakeformation
lambda
launchwizard
models-v2-lex
runtime-v2-lex
license-manager
license-manager-fips
license-manager-linux-subscriptions
license-manager-linux-subscriptions-fips
license-manager-user-subscriptions
license-manager-user-subscriptions-fips
lightsail
geo.maps key=geo
geo.places key=geo
geo.routes key=geo
geo.geofencing key=geo
geo.tracking key=geo
geo.metadata key=geo
lookoutequipment
lookoutvision
macie2
macie2-fips
apptest
m2
managedblockchain-query
managedblockchain.bitcoin.mainnet key=managedblockchain nopolicy
managedblockchain.bitcoin.testnet key=managedblockchain nopolicy
metering-marketplace key=metering.marketplace
aps
aps-workspaces key=aps
kafka
kafka-fips
airflow.api key=airflow
airflow.api-fips key=airflow
airflow.env key=airflow
airflow.env-fips key=airflow
airflow.ops key=airflow
com.amazonaws.route53 key=route53 dns=route53.amazonaws.com base=route53 regions=us-east-1
console key=-
signin key=-
memory-db key=memory-db
memorydb-fips key=memory-db
migrationhub-orchestrator
refactor-spaces
migrationhub-strategy
mq
mq-fips
neptune-graph
neptune-graph-data key=neptune-graph
neptune-graph-fips
network-firewall
network-firewall-fips
osis
organizations
organizations-fips
outposts
panorama
payment-cryptography.controlplane key=controlplane.payment-cryptography
payment-cryptography.dataplane key=dataplane.payment-cryptography
pcs
pcs-fips
personalize
personalize-events key=personalize
personalize-runtime key=personalize
pinpoint
pinpoint-sms-voice-v2 key=sms-voice
polly
polly-fips
pricing.api key=api.pricing
acm-pca
acm-pca-fips
pca-connector-ad
pca-connector-scep
proton
aws.api.{region}.qbusiness key=qbusiness dns=qbusiness.{region}.api.aws ipv6
codewhisperer
q
qapps
service.user-subscriptions key=user-subscriptions dns=service.user-subscriptions
quicksight-website key=quicksight
rds-data
pi
pi-fips
repostspace
rbin
rbin-fips
redshift
redshift-fips
redshift-serverless
redshift-serverless-fips
redshift-data
redshift-data-fips
rekognition
rekognition-fips
streaming-rekognition key=rekognition
streaming-rekognition-fips key=rekognition
ram
ram-fips
resource-explorer-2
resource-explorer-2-fips
resource-groups
resource-groups-fips
tagging
s3tables
com.amazonaws.s3-global.accesspoint key=s3-control dns=*.accesspoint.s3-global.amazonaws.com base=accesspoint.s3-global
s3-outposts
aws.sagemaker.{region}.experiments key=api.sagemaker dns=*.experiments.{region}.sagemaker.aws ipv6
aws.sagemaker.{region}.notebook key=api.sagemaker dns=*.notebook.{region}.sagemaker.aws
aws.sagemaker.{region}.partner-app key=api.sagemaker dns=*.partner-app.{region}.sagemaker.aws ipv6
aws.sagemaker.{region}.studio key=api.sagemaker dns=*.studio.{region}.sagemaker.aws
sagemaker-data-science-assistant key=api.sagemaker
sagemaker.api key=api.sagemaker
sagemaker.api-fips key=api.sagemaker
sagemaker.featurestore-runtime key=featurestore-runtime.sagemaker
sagemaker.featurestore-runtime-fips key=featurestore-runtime.sagemaker
sagemaker.metrics key=metrics.sagemaker
sagemaker.runtime key=runtime.sagemaker
sagemaker.runtime-fips key=runtime.sagemaker nopolicy
com.amazonaws.savingsplans key=savingsplans dns=savingsplans.amazonaws.com base=savingsplans regions=us-east-1
secretsmanager
securityhub
securityhub-fips
securitylake
securitylake-fips
sts
sts-fips key=sts
serverlessrepo
servicecatalog nopolicy
servicecatalog-appregistry nopolicy
servicequotas
email-smtp key=email nopolicy
mail-manager key=mailmanager
mail-manager-fips key=mailmanager
mail-manager-smtp.auth.fips key=mailmanager
mail-manager-smtp.open.fips key=mailmanager
simspaceweaver
snow-device-management
sns
sqs
sqs-fips
swf
swf-fips
states
sync-states key=states
storagegateway nopolicy
scn
ec2messages key=ssm nopolicy
ssm nopolicy
ssm-contacts
ssm-incidents
ssm-incidents-fips
ssm-quicksetup
ssmmessages key=ssm nopolicy
ssm-sap
ssm-sap-fips
tnb
textract
textract-fips
timestream-influxdb
timestream-influxdb-fips
transcribe
transcribestreaming
transcribestreaming-fips
transfer nopolicy
transfer.server key=transfer dns=*.server.transfer nopolicy
transform
transform-custom key=transform
translate
trustedadvisor
notifications
notifications-contacts
verifiedpermissions
verifiedpermissions-fips
vpc-lattice
wafv2
wafv2-fips
wellarchitected
workmail
workmailmessageflow
workspaces nopolicy
workspaces-web
workspaces-web-fips
highlander key=-
thinclient.api key=thinclient
xray
kinesisanalytics
kinesisanalytics-fips
com.amazonaws.cloudfront key=cloudfront dns=cloudfront.amazonaws.com base=cloudfront regions=us-east-1
"""


def parse_line(line: str) -> dict[str, Any]:
    name, *opts = line.split()
    spec: dict[str, Any] = {"name": name, "policy": "nopolicy" not in opts, "ipv6": "ipv6" in opts}
    for opt in opts:
        if "=" in opt:
            key, value = opt.split("=", 1)
            spec[key] = value
    return spec


def full_name(name: str) -> str:
    return name if "{region}" in name or name.startswith("com.amazonaws.") else f"com.amazonaws.{{region}}.{name}"


def default_dns(name: str) -> str:
    """``ecr.api`` -> ``api.ecr``; ``kms`` -> ``kms`` [DERIVED from DUMP-2020's dotted names]."""
    return ".".join(reversed(name.split(".")))


def host(value: str) -> str:
    """A host prefix becomes ``<prefix>.{region}.amazonaws.com``; a full host name is kept."""
    full = "{region}" in value or value.endswith((".aws", ".com"))
    return value if full else f"{value}.{{region}}.amazonaws.com"


def vpce_host(value: str) -> str:
    """``*.dkr.ecr`` -> ``dkr.ecr.{region}.vpce.amazonaws.com``; ``*.notebook.{region}.sagemaker.aws`` ->
    ``notebook.{region}.vpce.sagemaker.aws`` (both forms of BaseEndpointDnsNames in DUMP-2020)."""
    value = value.removeprefix("*.")
    if "{region}" in value:
        return value.replace("{region}.", "{region}.vpce.", 1)
    return value if value.endswith((".aws", ".com")) else f"{value}.{{region}}.vpce.amazonaws.com"


def botocore_regions() -> dict[str, set[str]]:
    endpoints = Loader().load_data("endpoints")
    aws = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    return {key: set(svc.get("endpoints", {})) for key, svc in aws["services"].items()}


def offered_in(spec: dict[str, Any], known: dict[str, set[str]], regions: list[str], core: list[str]) -> list[str]:
    if "regions" in spec:
        return spec["regions"].split(",")  # type: ignore[no-any-return]
    base = spec["name"].replace("-fips", "")
    key = spec.get("key", base)
    listed = known.get(key) if key != "-" else None
    found = [r for r in regions if r in listed] if listed else core
    return [r for r in found if r in FIPS_REGIONS] if "-fips" in spec["name"] else found


def interface_entry(spec: dict[str, Any], where: list[str]) -> dict[str, Any]:
    name = spec["name"]
    dns = host(spec.get("dns", default_dns(name)))
    base = vpce_host(spec.get("base", spec.get("dns", default_dns(name))))
    bases = [base]
    if name.endswith(".notebook"):  # DUMP-2020: the notebook service also lists its vpce-svc name first
        bases.insert(0, "{service_id}.{region}.vpce.amazonaws.com")
    return {
        "ServiceName": full_name(name),
        "ServiceType": "Interface",
        "BaseEndpointDnsNames": bases,
        "PrivateDnsName": dns,
        "VpcEndpointPolicySupported": spec["policy"],
        "SupportedIpAddressTypes": ["ipv4", "ipv6"] if spec["ipv6"] else ["ipv4"],
        "Regions": where,
    }


def gateway_and_interface(svc: str, known: dict[str, set[str]], regions: list[str]) -> list[dict[str, Any]]:
    """S3 and DynamoDB: a Gateway entry and an Interface entry in every Region [PLG-GW; PLG-LIST]."""
    name = f"com.amazonaws.{{region}}.{svc}"
    ip = ["ipv4", "ipv6"] if svc == "s3" else ["ipv4"]  # S3 interface endpoints support dualstack [S3PL]
    gateway = {
        "ServiceName": name,
        "ServiceType": "Gateway",
        "BaseEndpointDnsNames": [f"{svc}.{{region}}.amazonaws.com"],
        "PrivateDnsName": None,
        "VpcEndpointPolicySupported": True,
        "SupportedIpAddressTypes": ["ipv4"],  # no IPv6 gateway prefix list is produced (gen_prefix_lists.py)
        "Regions": regions,
    }
    # S3's private DNS is the wildcard *.s3.<region>.amazonaws.com [S3PL]; DynamoDB's is its regional name [UNCERTAIN].
    dns = "*.s3.{region}.amazonaws.com" if svc == "s3" else f"{svc}.{{region}}.amazonaws.com"
    interface = {**gateway, "ServiceType": "Interface", "PrivateDnsName": dns, "SupportedIpAddressTypes": ip}
    interface["BaseEndpointDnsNames"] = [f"{svc}.{{region}}.vpce.amazonaws.com"]
    return [gateway, interface]


def load_dump() -> dict[str, dict[str, Any]]:
    path = DUMP / "VpcEndpointServices.json"
    if not path.exists():
        print(f"note: {path} missing; no real ServiceIds or AZ subsets")
        return {}
    details = json.loads(path.read_text())["ServiceDetails"]
    return {f"{d['ServiceName']}/{d['ServiceType'][0]['ServiceType']}": d for d in details}


def check_against_dump(entries: list[dict[str, Any]], dump: dict[str, dict[str, Any]]) -> None:
    """Print where a derived name differs from what AWS returned in DUMP-2020."""
    for entry in entries:
        real = dump.get(f"{entry['ServiceName'].replace('{region}', 'us-east-1')}/{entry['ServiceType']}")
        if real is None:
            continue
        ours = [b.replace("{region}", "us-east-1") for b in entry["BaseEndpointDnsNames"]]
        if "{service_id}" not in ours[0] and ours != real["BaseEndpointDnsNames"]:
            print("base differs:", entry["ServiceName"], ours, real["BaseEndpointDnsNames"])
        dns = (entry["PrivateDnsName"] or "").replace("{region}", "us-east-1") or None
        if dns != real.get("PrivateDnsName"):
            print("private dns differs:", entry["ServiceName"], dns, real.get("PrivateDnsName"))


def dump_extras(dump: dict[str, dict[str, Any]], all_zones: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    ids = {key: d["ServiceId"] for key, d in dump.items()}
    zones = {key: d["AvailabilityZones"] for key, d in dump.items() if d["AvailabilityZones"] != all_zones}
    return ids, zones


def compact(entries: list[dict[str, Any]], regions: list[str]) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """Region lists become ``"*"`` (every Region) or an index into a table of the distinct lists."""
    sets: list[list[str]] = []
    out = []
    for entry in entries:
        where = entry["Regions"]
        if where != regions and where not in sets:
            sets.append(where)
        out.append({**entry, "Regions": "*" if where == regions else sets.index(where)})
    return out, sets


def main() -> None:
    region_data = json.loads((DATA / "regions.json").read_text())["regions"]
    regions = [r["RegionName"] for r in region_data]
    core = [r["RegionName"] for r in region_data if not r["OptIn"]]
    known = botocore_regions()
    specs = [parse_line(line) for line in SERVICES.strip().splitlines()]
    entries = gateway_and_interface("s3", known, regions) + gateway_and_interface("dynamodb", known, regions)
    entries += [interface_entry(s, offered_in(s, known, regions, core)) for s in specs]
    entries.sort(key=lambda e: (e["ServiceName"], e["ServiceType"]))
    dump = load_dump()
    check_against_dump(entries, dump)
    use1 = next(r for r in region_data if r["RegionName"] == "us-east-1")
    ids, zones = dump_extras(dump, [z["ZoneName"] for z in use1["Zones"]])
    keep = {e["ServiceName"].replace("{region}", "us-east-1") + "/" + e["ServiceType"] for e in entries}
    services, region_sets = compact(entries, regions)
    doc = {
        "_source": __doc__.strip().splitlines()[0],
        "regionSets": region_sets,
        "services": services,
        "serviceIds": {"us-east-1": {k: v for k, v in sorted(ids.items()) if k in keep}},
        "zones": {"us-east-1": {k: v for k, v in sorted(zones.items()) if k in keep}},
    }
    (DATA / "services.json").write_text(json.dumps(doc, indent=None, separators=(",", ":")) + "\n")
    per_region = {r: sum(1 for e in entries if r in e["Regions"]) for r in regions}
    print(f"wrote {len(entries)} service entries; per region: {per_region}")


if __name__ == "__main__":
    main()
