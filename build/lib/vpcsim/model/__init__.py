"""Typed records, ids and ARNs: the vocabulary the store keeps and the control plane speaks."""

from vpcsim.model.ids import IdFactory, id_kind, is_well_formed
from vpcsim.model.records import Record

__all__ = ["IdFactory", "Record", "id_kind", "is_well_formed"]
