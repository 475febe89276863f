"""Vendor retail analytics reports (JSON, official schemas): vendor accounts only.

Sales, traffic, inventory and net pure product margin come per ASIN with an
aggregate over the whole catalog in the same document: the per-ASIN array is
the entry's table, the aggregate lands beside it (``__sales_aggregate``, ...)
from the same request. They are requested by DAY; a request may span several
days, at most 15 (the limit the reportType reference gives for DAY on the net
pure product margin report). The real-time reports are hourly.
"""
from datetime import timedelta

from pipelines.catalog.json_schema import json_entry
from pipelines.catalog.model import ReportEntry

_VENDOR = dict(account="vendor", group="vendor")
_DAILY = dict(cursor="start_date", key=("start_date", "asin"), max_window_days=15, lookback_days=7, **_VENDOR)
_MANUFACTURING_RETAIL = {"distributorView": "MANUFACTURING", "sellingProgram": "RETAIL", "reportPeriod": "DAY"}
# Real-time reports: hourly rows, a request covers at most 24 hours ("End time should not be
# more than 24 hours from the start time") and starts at most 168 hours back.
_HOURLY = dict(cursor="start_time", key=("start_time", "asin"), max_window_days=1, lookback_days=1, **_VENDOR)

ENTRIES: tuple[ReportEntry, ...] = (
    json_entry(
        "vendorSalesReport.json", "salesByAsin", also=("salesAggregate",),
        report_type="GET_VENDOR_SALES_REPORT",
        name="vendor_sales",
        description="Vendor sales per ASIN and day (manufacturing view, retail program): ordered and shipped "
                    "revenue, units and COGS, customer returns; the catalog aggregate lands beside it.",
        report_options=_MANUFACTURING_RETAIL,
        **_DAILY,
    ),
    json_entry(
        "vendorTrafficReport.json", "trafficByAsin", also=("trafficAggregate",),
        # The schema gives trafficByAsin's dates no format (its examples are YYYY-MM-DD, and
        # trafficAggregate's same fields say format: date).
        kinds={"trafficByAsin.startDate": "date", "trafficByAsin.endDate": "date"},
        report_type="GET_VENDOR_TRAFFIC_REPORT",
        name="vendor_traffic",
        description="Glance views per ASIN and day; the catalog aggregate lands beside it.",
        report_options={"reportPeriod": "DAY"},
        **_DAILY,
    ),
    json_entry(
        "vendorInventoryReport.json", "inventoryByAsin", also=("inventoryAggregate",),
        report_type="GET_VENDOR_INVENTORY_REPORT",
        name="vendor_inventory",
        description="Vendor inventory health per ASIN and day (manufacturing view, retail program): on-hand, "
                    "aged and unhealthy inventory, open purchase orders; the catalog aggregate lands beside it.",
        report_options=_MANUFACTURING_RETAIL,
        **_DAILY,
    ),
    json_entry(
        "vendorNetPureProductMarginReport.json", "netPureProductMarginByAsin",
        also=("netPureProductMarginAggregate",),
        report_type="GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT",
        name="vendor_net_pure_product_margin",
        description="Amazon's net pure product margin per ASIN and day; the catalog aggregate lands beside it. "
                    "A day's data exists 168 hours after it ends, so syncs stop eight days back.",
        report_options={"reportPeriod": "DAY"},
        delay_days=8,
        **_DAILY,
    ),
    json_entry(
        "vendorForecastingReport.json", "forecastByAsin",
        report_type="GET_VENDOR_FORECASTING_REPORT",
        name="vendor_forecasting",
        description="Amazon's demand forecast (mean, P70, P80, P90 units) per ASIN and future week, retail "
                    "program; one dated snapshot per day.",
        report_options={"sellingProgram": "RETAIL"},
        windowed=False,
        snapshot=True,
        key=("asin", "start_date"),
        lookback_days=0,
        **_VENDOR,
    ),
    json_entry(
        "vendorRealTimeSalesReport.json", "reportData",
        # orderedRevenue is money in the currency the request names (reportOptions.currencyCode).
        kinds={"reportData.orderedRevenue": "decimal"},
        report_type="GET_VENDOR_REAL_TIME_SALES_REPORT",
        name="vendor_real_time_sales",
        description="Ordered units and revenue per ASIN and hour, in the marketplace's currency.",
        currency_option="currencyCode",
        **_HOURLY,
    ),
    json_entry(
        "vendorRealTimeTrafficReport.json", "reportData",
        report_type="GET_VENDOR_REAL_TIME_TRAFFIC_REPORT",
        name="vendor_real_time_traffic",
        description="Glance views per ASIN and hour.",
        **_HOURLY,
    ),
    json_entry(
        "vendorRealTimeInventoryReport.json", "reportData",
        report_type="GET_VENDOR_REAL_TIME_INVENTORY_REPORT",
        name="vendor_real_time_inventory",
        description="Highly available inventory per ASIN and hour.",
        # "Start time can be up to 168 hours before the time of the request." (the report's schema)
        history=timedelta(hours=168),
        **_HOURLY,
    ),
)
