"""Changes: every Route 53 write answers a ChangeInfo that is ``PENDING`` and later ``INSYNC`` (GetChange).

AWS propagates a change to its name servers within about 60 seconds [Route 53 API GetChange]. vpcsim answers the
writing call PENDING and every later GetChange INSYNC: the change is in effect for the data plane at once, and
waiters (Terraform polls GetChange) see the transition as against AWS.
"""

from __future__ import annotations

from typing import Any

from vpcsim.control.core.call import Call, Params, Result
from vpcsim.control.route53 import names
from vpcsim.errors import ApiError
from vpcsim.model import Record

KIND = "route53-change"


def change_info(call: Call, comment: str | None = None) -> dict[str, Any]:
    """Record a new change made by this call and answer it PENDING."""
    while True:
        cid = "C" + call.ids.token(names.ID_ALPHABET, 20)
        if call.tx.find(KIND, cid) is None:
            break
    info: dict[str, Any] = {"Id": names.CHANGE_PATH + cid, "Status": "PENDING", "SubmittedAt": call.timestamp()}
    if comment:
        info["Comment"] = comment
    call.tx.put(Record(KIND, cid, call.account, "", info, None, {}, {"by": call.request_id}))
    return info


def get_change(call: Call, params: Params) -> Result:
    cid = names.bare(params["Id"], names.CHANGE_PATH)
    change = call.tx.find(KIND, cid)
    if change is None or change.account != call.account:
        raise ApiError("NoSuchChange", f"A change with the specified change ID does not exist: {cid}")
    status = "PENDING" if change.extra.get("by") == call.request_id else "INSYNC"
    return {"ChangeInfo": {**change.doc, "Status": status}}
