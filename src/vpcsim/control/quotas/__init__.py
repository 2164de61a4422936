"""Service Quotas: the quotas AWS has for what vpcsim models, their values per account and Region, and the API
that reads and raises them (servicequotas, JSON 1.1).

Families enforce a quota through ``quota(call, code)`` alone (limits.py), so an increase granted through the API, or
a server default given with ``vpcsim serve --quota CODE=N``, is what the next call is held to. ``catalog.py`` is the
table of quotas, ``service_quotas.py`` the reads, ``increases.py`` the requests.
"""

from vpcsim.control.quotas.limits import check_defaults, quota

__all__ = ["check_defaults", "quota"]
