"""The report catalog: one declaration per Reports API report type.

Everything else (Dagster assets, schedules, raw tables, sandbox documents) is
built from these entries. Adding a report type is adding one ``ReportEntry``.

Column kinds (how a raw text value becomes a typed DuckDB value) are defined in
``pipelines.warehouse.types``:

=================  ==========================================  ==============
kind               raw form                                    DuckDB type
=================  ==========================================  ==============
text               anything                                    VARCHAR
int                ``12``, ``-3``                              BIGINT
decimal            ``19.99``; ``95,00`` (EU settlement)        DECIMAL(18,4)
float              ``12.5``                                    DOUBLE
bool               ``true``/``false``, ``Yes``/``No``, ``y``   BOOLEAN
timestamptz        ``2022-07-18T18:52:47+00:00``               TIMESTAMPTZ
timestamp_utc      ``2025-01-14 03:00:00 UTC``                 TIMESTAMPTZ
timestamp_tzname   ``2021-08-15 20:35:17 PDT``                 TIMESTAMPTZ
date               ``2025-01-14``                              DATE
date_mdy           ``11/21/2023``                              DATE
=================  ==========================================  ==============

>>> entry("GET_FBA_REIMBURSEMENTS_DATA").table
'raw_fba_reimbursements'
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from pipelines.spec import SPEC_DIR


def snake(name: str) -> str:
    """Normalize a report header or JSON path to a snake_case column name.

    >>> snake("amazon-order-id"), snake("Event Type"), snake("salesByDate.orderedProductSales.amount")
    ('amazon_order_id', 'event_type', 'sales_by_date_ordered_product_sales_amount')
    >>> snake("WarehouseTransferIn/Out"), snake("FNSKU"), snake("asin1"), snake("unitsOrderedB2B")
    ('warehouse_transfer_in_out', 'fnsku', 'asin1', 'units_ordered_b2b')
    """
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", name.strip())
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^0-9a-zA-Z]+", "_", s).strip("_").lower()
    return s or "unnamed"


@dataclass(frozen=True)
class Column:
    """One source column: its name as Amazon writes it and how to type it."""

    source: str
    kind: str = "text"

    @property
    def name(self) -> str:
        return snake(self.source)


def cols(spec: str) -> tuple[Column, ...]:
    """Parse a compact column list: ``"name:kind name2 name3:int"`` (kind defaults to text)."""
    out = []
    for token in spec.split():
        source, _, kind = token.partition(":")
        out.append(Column(source, kind or "text"))
    return tuple(out)


def json_report_columns(schema_file: str, definition: str) -> tuple[Column, ...]:
    """Every leaf of a JSON report record, read from the official report schema
    (``pipelines/spec``), so a field the schema has is never left out.

    >>> [c for c in json_report_columns("sellerSalesAndTrafficReport.json", "SalesAndTrafficByAsin")][:2]
    [Column(source='parentAsin', kind='text'), Column(source='childAsin', kind='text')]
    """
    schema = json.loads((SPEC_DIR / schema_file).read_text(encoding="utf-8"))
    definitions = schema["definitions"]

    def leaves(name: str, prefix: str):
        for key, prop in definitions[name]["properties"].items():
            if "$ref" in prop:
                yield from leaves(prop["$ref"].rsplit("/", 1)[-1], f"{prefix}{key}.")
            elif prop.get("type") == "number":
                yield Column(prefix + key, "decimal" if name == "Amount" else "float")
            elif prop.get("type") == "integer":
                yield Column(prefix + key, "int")
            elif prop.get("format") == "date":
                yield Column(prefix + key, "date")
            else:
                yield Column(prefix + key, "text")

    return tuple(leaves(definition, ""))


@dataclass(frozen=True)
class ReportEntry:
    """A report type and everything the pipeline needs to know to land it.

    - ``windowed``: the report takes ``dataStartTime``/``dataEndTime``; the
      asset is daily-partitioned and a backfill is packed into windows of at
      most ``max_window_days``.
    - ``cursor``: the (snake_case) column the window filters on; re-landing a
      window replaces exactly the rows whose cursor falls inside it.
    - ``snapshot``: the report is a current-state snapshot (no window); each
      landing replaces that day's snapshot and keeps earlier ones.
    - ``requested``: False for reports Amazon generates on its own schedule
      (settlements), which are found with getReports, never created.
    - ``lookback_days``: the trailing window a scheduled sync re-pulls because
      Amazon restates it.
    - ``json_records``: for JSON reports, the array holding one record per row.
    - ``row_numbers``: fill ``_row_number`` (the row's position in its
      document) for reports with no line key (settlements). It costs speed:
      DuckDB then reads the file on one thread.
    """

    report_type: str
    name: str
    description: str
    columns: tuple[Column, ...]
    format: str = "tsv"
    windowed: bool = True
    max_window_days: int = 30
    cursor: str | None = None
    key: tuple[str, ...] = ()
    lookback_days: int = 3
    marketplace_scope: str = "each"  # one request per marketplace
    requested: bool = True
    snapshot: bool = False
    json_records: str | None = None
    report_options: dict[str, str] = field(default_factory=dict)
    group: str = "reports"
    row_numbers: bool = False
    account: str = "seller"  # seller | vendor: which accounts can request it

    @property
    def table(self) -> str:
        return f"raw_{self.name}"

    @property
    def asset_name(self) -> str:
        return self.table

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


_ORDER_COLUMNS = cols(
    "amazon-order-id merchant-order-id purchase-date:timestamptz last-updated-date:timestamptz "
    "order-status fulfillment-channel sales-channel order-channel ship-service-level product-name "
    "sku asin item-status quantity:int currency item-price:decimal item-tax:decimal "
    "shipping-price:decimal shipping-tax:decimal gift-wrap-price:decimal gift-wrap-tax:decimal "
    "item-promotion-discount:decimal ship-promotion-discount:decimal ship-city ship-state "
    "ship-postal-code ship-country promotion-ids cpf is-business-order:bool purchase-order-number "
    "price-designation signature-confirmation-recommended:bool"
)

CATALOG: tuple[ReportEntry, ...] = (
    ReportEntry(
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
        name="all_orders_by_last_update",
        description="Every order item, windowed by when the order last changed. One row per "
                    "order item and version; models keep the latest version.",
        columns=_ORDER_COLUMNS,
        cursor="last_updated_date",
        key=("amazon_order_id", "sku", "asin", "last_updated_date"),
        lookback_days=3,
        group="orders",
    ),
    ReportEntry(
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
        name="all_orders_by_order_date",
        description="Every order item, windowed by purchase date.",
        columns=_ORDER_COLUMNS,
        cursor="purchase_date",
        key=("amazon_order_id", "sku", "asin"),
        lookback_days=7,
        group="orders",
    ),
    ReportEntry(
        report_type="GET_MERCHANT_LISTINGS_ALL_DATA",
        name="merchant_listings_all",
        description="Snapshot of every listing (active and inactive), one dated snapshot per day.",
        columns=cols(
            "item-name item-description listing-id seller-sku price:decimal quantity:int "
            "open-date:timestamp_tzname image-url item-is-marketplace product-id-type "
            "zshop-shipping-fee item-note item-condition zshop-category1 zshop-browse-path "
            "zshop-storefront-feature asin1 asin2 asin3 will-ship-internationally expedited-shipping "
            "zshop-boldface product-id bid-for-featured-placement add-delete pending-quantity:int "
            "fulfillment-channel merchant-shipping-group status"
        ),
        windowed=False,
        snapshot=True,
        key=("seller_sku",),
        lookback_days=0,
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
        name="fba_myi_unsuppressed_inventory",
        description="Snapshot of FBA inventory quantities per SKU, one dated snapshot per day.",
        columns=cols(
            "sku fnsku asin product-name condition your-price:decimal mfn-listing-exists:bool "
            "mfn-fulfillable-quantity:int afn-listing-exists:bool afn-warehouse-quantity:int "
            "afn-fulfillable-quantity:int afn-unsellable-quantity:int afn-reserved-quantity:int "
            "afn-total-quantity:int per-unit-volume:decimal afn-inbound-working-quantity:int "
            "afn-inbound-shipped-quantity:int afn-inbound-receiving-quantity:int "
            "afn-researching-quantity:int afn-reserved-future-supply:int afn-future-supply-buyable:int"
        ),
        windowed=False,
        snapshot=True,
        key=("sku",),
        lookback_days=0,
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL",
        name="amazon_fulfilled_shipments",
        description="FBA shipments per shipped item, windowed by shipment date.",
        columns=cols(
            "amazon-order-id merchant-order-id shipment-id shipment-item-id amazon-order-item-id "
            "merchant-order-item-id purchase-date:timestamptz payments-date:timestamptz "
            "shipment-date:timestamptz reporting-date:timestamptz buyer-email buyer-name "
            "buyer-phone-number sku product-name quantity-shipped:int currency item-price:decimal "
            "item-tax:decimal shipping-price:decimal shipping-tax:decimal gift-wrap-price:decimal "
            "gift-wrap-tax:decimal ship-service-level recipient-name ship-address-1 ship-address-2 "
            "ship-address-3 ship-city ship-state ship-postal-code ship-country ship-phone-number "
            "bill-address-1 bill-address-2 bill-address-3 bill-city bill-state bill-postal-code "
            "bill-country item-promotion-discount:decimal ship-promotion-discount:decimal carrier "
            "tracking-number estimated-arrival-date:timestamptz fulfillment-center-id "
            "fulfillment-channel sales-channel"
        ),
        cursor="shipment_date",
        key=("amazon_order_id", "shipment_item_id"),
        lookback_days=7,
        group="fulfillment",
    ),
    ReportEntry(
        report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
        name="fba_customer_returns",
        description="FBA customer returns, windowed by return date.",
        columns=cols(
            "return-date:timestamptz order-id sku asin fnsku product-name quantity:int "
            "fulfillment-center-id detailed-disposition reason status license-plate-number "
            "customer-comments"
        ),
        cursor="return_date",
        key=("order_id", "fnsku", "license_plate_number", "return_date"),
        lookback_days=7,
        group="fulfillment",
    ),
    ReportEntry(
        report_type="GET_FBA_REIMBURSEMENTS_DATA",
        name="fba_reimbursements",
        description="FBA reimbursements, windowed by approval date.",
        columns=cols(
            "approval-date:timestamptz reimbursement-id case-id amazon-order-id reason sku fnsku asin "
            "product-name condition currency-unit amount-per-unit:decimal amount-total:decimal "
            "quantity-reimbursed-cash:int quantity-reimbursed-inventory:int "
            "quantity-reimbursed-total:int original-reimbursement-id original-reimbursement-type"
        ),
        cursor="approval_date",
        key=("reimbursement_id", "fnsku", "sku"),
        lookback_days=7,
        group="finance",
    ),
    ReportEntry(
        report_type="GET_LEDGER_DETAIL_VIEW_DATA",
        name="ledger_detail_view",
        description="FBA inventory ledger events (shipments, returns, adjustments), by event date.",
        columns=cols(
            "Date:date_mdy FNSKU ASIN MSKU Title EventType ReferenceID Quantity:int "
            "FulfillmentCenter Disposition Reason Country ReconciledQuantity:int "
            "UnreconciledQuantity:int"
        ),
        cursor="date",
        key=("date", "fnsku", "msku", "event_type", "reference_id", "fulfillment_center", "disposition"),
        lookback_days=3,
        report_options={},
        group="inventory",
    ),
    ReportEntry(
        report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
        name="settlements_v2",
        description="Settlement reports (flat file V2). Amazon generates one per settlement "
                    "period; the pipeline lists them with getReports and never requests them.",
        columns=cols(
            "settlement-id settlement-start-date:timestamp_utc settlement-end-date:timestamp_utc "
            "deposit-date:timestamp_utc total-amount:decimal currency transaction-type order-id "
            "merchant-order-id adjustment-id shipment-id marketplace-name amount-type "
            "amount-description amount:decimal fulfillment-id posted-date "
            "posted-date-time:timestamp_utc order-item-code merchant-order-item-id "
            "merchant-adjustment-item-id sku quantity-purchased:int promotion-id"
        ),
        requested=False,
        cursor=None,
        max_window_days=90,
        key=("settlement_id", "_row_number"),
        lookback_days=14,
        group="finance",
        row_numbers=True,
    ),
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

_BY_NAME = {e.name: e for e in CATALOG}


def entry(report_type_or_name: str) -> ReportEntry:
    """Look up an entry by report type (first match) or by name; a clear error otherwise."""
    if report_type_or_name in _BY_NAME:
        return _BY_NAME[report_type_or_name]
    for e in CATALOG:
        if e.report_type == report_type_or_name:
            return e
    known = sorted({e.report_type for e in CATALOG})
    raise KeyError(f"unknown report type or name {report_type_or_name!r}; the catalog has: {', '.join(known)}")
