"""vpcsim: a local emulator of AWS VPC networking, VPC endpoints and PrivateLink.

Real AWS clients (boto3, the AWS CLI, Terraform) talk to it through the AWS wire API; see README.md.
"""

__version__ = "0.1.0"
