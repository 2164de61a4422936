"""ListAccountAliases: the account's alias (the name that replaces its id in the sign-in URL).

Facts [IAM API Reference, ListAccountAliases and CreateAccountAlias]: an account has at most one alias; a new account
has none, and the answer is then an empty AccountAliases list, not truncated. Tools ask it to name the account they
run in (Ansible's amazon.aws.aws_caller_info). vpcsim's choice: accounts have no alias (CreateAccountAlias is not
served), so every account answers the empty list.
"""

from __future__ import annotations

from vpcsim.control.core.call import Call, Params, Result


def list_account_aliases(call: Call, params: Params) -> Result:
    return {"AccountAliases": [], "IsTruncated": False}
