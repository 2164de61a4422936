"""IAM, as far as networks need it: roles and their trust and permissions policies, customer and AWS managed
policies with their versions, and instance profiles (flow logs deliver with a role; instances carry a profile).

IAM is global and per account: its records carry the account and no Region. Modules: ``common`` (ids, ARNs, dates,
paging, tags), ``documents`` (policy documents as IAM checks and returns them), ``policies`` and
``policy_versions`` (managed policies), ``roles``, ``role_policies`` (inline and attached), ``instance_profiles``.
"""
