"""FBA removal orders (returns to the seller, disposals) and their shipments."""
from pipelines.catalog.model import ReportEntry, cols

ENTRIES: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA",
        name="fba_removal_orders",
        description="FBA removal orders per SKU and disposition, windowed by request date. Rows change "
                    "until the order completes, hence the long lookback.",
        columns=cols(
            # 2026 production order (order-source) and the documented service-speed: both land.
            "request-date:timestamptz order-id order-source order-type service-speed order-status "
            "last-updated-date:timestamptz sku fnsku disposition requested-quantity:int "
            "cancelled-quantity:int disposed-quantity:int shipped-quantity:int in-process-quantity:int "
            "removal-fee:decimal currency"
        ),
        cursor="request_date",
        key=("order_id", "sku", "fnsku", "disposition"),
        lookback_days=30,
        group="removals",
    ),
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA",
        name="fba_removal_shipments",
        description="Shipments of FBA removal orders (cancelled and disposed items excluded), "
                    "windowed by shipment date.",
        columns=cols(
            "request-date:timestamp_lenient order-id shipment-date:timestamp_lenient sku fnsku disposition "
            "shipped-quantity:int carrier tracking-number removal-order-type"
        ),
        cursor="shipment_date",
        key=("order_id", "tracking_number", "sku", "fnsku"),
        lookback_days=3,
        group="removals",
    ),
)
