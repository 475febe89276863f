"""DuckDB warehouse: typed landing of report documents, window replace, schema drift.

>>> from pipelines.warehouse import Warehouse, Lineage, Replace, LandResult
"""
from .errors import MalformedReportError, WarehouseError, WarehouseLockTimeout
from .landing import LINEAGE, LandResult, Lineage, Replace
from .warehouse import Warehouse

__all__ = ["Warehouse", "Lineage", "Replace", "LandResult", "MalformedReportError",
           "WarehouseError", "WarehouseLockTimeout", "LINEAGE"]
