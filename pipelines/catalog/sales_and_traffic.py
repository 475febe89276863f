"""The Sales and Traffic business report (JSON, official schema)."""
from pipelines.catalog.model import ReportEntry, json_report_columns

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_SALES_AND_TRAFFIC_REPORT",
        name="sales_and_traffic_by_date",
        description="Business report (JSON): sales and traffic per day per marketplace.",
        format="json",
        json_records="salesAndTrafficByDate",
        columns=json_report_columns("sellerSalesAndTrafficReport.json", "SalesAndTrafficByDate"),
        cursor="date",
        key=("date",),
        max_window_days=30,
        lookback_days=7,
        report_options={"dateGranularity": "DAY", "asinGranularity": "CHILD"},
        group="sales_and_traffic",
    ),
    ReportEntry(
        report_type="GET_SALES_AND_TRAFFIC_REPORT",
        name="sales_and_traffic_by_asin",
        description="Business report (JSON): sales and traffic per child ASIN and SKU, one day per report.",
        format="json",
        json_records="salesAndTrafficByAsin",
        columns=json_report_columns("sellerSalesAndTrafficReport.json", "SalesAndTrafficByAsin"),
        cursor="_window_start",
        key=("child_asin", "sku", "_window_start"),
        max_window_days=1,
        lookback_days=7,
        report_options={"dateGranularity": "DAY", "asinGranularity": "SKU"},
        group="sales_and_traffic",
    ),
)
