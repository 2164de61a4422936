"""Machine images and instance types: what an instance is launched from and as.

``images`` answers which AMIs a caller sees (the catalog's public images of the Region, its own, those shared with
it) and DescribeImages; ``registration`` the account's own images (RegisterImage, CreateImage, DeregisterImage and
their attributes); ``snapshots`` the EBS snapshots images are made of; ``instance_types`` DescribeInstanceTypes and
DescribeInstanceTypeOfferings from the catalog, and the checks RunInstances makes of a type. The family sits below
compute: instances ask it for images and types, and it reads instance and volume records by kind, never importing
compute.
"""
