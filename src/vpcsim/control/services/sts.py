"""STS GetCallerIdentity, so that tools which check who they are (Terraform, the CLI) work against vpcsim."""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.model.arns import root_arn


def get_caller_identity(call: Call, params: Params) -> Result:
    return {
        "UserId": call.principal.rsplit("/", 1)[-1] if "/" in call.principal else call.account,
        "Account": call.account,
        "Arn": call.principal or root_arn(call.account),
    }
