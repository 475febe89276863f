"""DuckDB warehouse: typed landing of report documents, window replace, schema drift.

>>> from pipelines.warehouse import Warehouse, Lineage, Replace, LandResult
"""
from .errors import (ForeignDocumentError, MalformedReportError, WarehouseBusyError, WarehouseConflictError,
                     WarehouseError, WarehouseLockTimeout)
from .lake import Lake
from .landing import LINEAGE, LandResult, Lineage, Replace
from .warehouse import Warehouse, publish_path

__all__ = ["Warehouse", "Lake", "Lineage", "Replace", "LandResult", "ForeignDocumentError", "MalformedReportError",
           "WarehouseBusyError", "WarehouseConflictError", "WarehouseError", "WarehouseLockTimeout", "LINEAGE",
           "publish_path"]
