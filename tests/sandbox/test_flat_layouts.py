"""The further seller flat files the sandbox serves (flat-file-columns-2.md; part 1 §8, §10, §11).

Every header below is copied from the notes (the independent evidence). A small sandbox
server, its clock set to NOW, serves each report; the test checks the header, the charset,
and every compared value, read back with the notes' forms, against the layout's ground
truth (``truth``) for the same window and moment. Then the numbers that describe the same
facts are checked across reports, and Amazon's request rules (the 60-day cap, the 72-hour
rule, the Date Range report, restricted documents, removed report types).
"""
from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from pipelines.sandbox import layouts
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller
from pipelines.sandbox.server import SandboxConfig, SandboxServer

from .conftest import DE, FAST, JP, US, make_api

UTC = timezone.utc
NOW = datetime(2026, 3, 16, 12, tzinfo=UTC)
SMALL = dict(orders_per_day=6, skus=10)
SELLER = SyntheticSeller(**SMALL)
CODECS = {"UTF-8": "utf-8", "Cp1252": "cp1252", "Shift_JIS": "cp932"}

# ---- the notes' headers -------------------------------------------------------------------

MFN_RETURNS = [  # flat-file-columns-2.md §12 (32)
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID", "Merchant RMA ID",
    "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID", "Label to be paid by",
    "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name", "Return quantity", "Return Reason",
    "In policy", "Return type", "Resolution", "Invoice number", "Return delivery date", "Order Amount",
    "Order quantity", "SafeT Action reason", "SafeT claim id", "SafeT claim state", "SafeT claim creation time",
    "SafeT claim reimbursement amount", "Refunded Amount",
]
FEE_PREVIEW_NA = [  # §13 (a), 31
    "sku", "fnsku", "asin", "amazon-store", "product-name", "product-group", "brand", "fulfilled-by", "your-price",
    "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth", "unit-of-dimension",
    "item-package-weight", "unit-of-weight", "product-size-tier", "currency", "estimated-fee-total",
    "estimated-referral-fee-per-unit", "estimated-variable-closing-fee", "estimated-order-handling-fee-per-order",
    "estimated-pick-pack-fee-per-unit", "estimated-weight-handling-fee-per-unit", "expected-fulfillment-fee-per-unit",
    "estimated-future-fee (Current Selling on Amazon + Future Fulfillment fees)",
    "estimated-future-order-handling-fee-per-order", "estimated-future-pick-pack-fee-per-unit",
    "estimated-future-weight-handling-fee-per-unit", "expected-future-fulfillment-fee-per-unit",
]
FEE_PREVIEW_EU = [  # §13 (b), 29
    "sku", "fnsku", "asin", "product-name", "product-group", "brand", "fulfilled-by", "has-local-inventory",
    "your-price", "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth",
    "unit-of-dimension", "item-package-weight", "unit-of-weight", "product-size-weight-band", "currency",
    "estimated-fee-total", "estimated-referral-fee-per-unit", "estimated-variable-closing-fee",
    "expected-domestic-fulfilment-fee-per-unit", "expected-efn-fulfilment-fee-per-unit-uk",
    "expected-efn-fulfilment-fee-per-unit-de", "expected-efn-fulfilment-fee-per-unit-fr",
    "expected-efn-fulfilment-fee-per-unit-it", "expected-efn-fulfilment-fee-per-unit-es",
    "expected-efn-fulfilment-fee-per-unit-se",
]
RESTOCK = [  # §14 (30)
    "Country", "Product Name", "FNSKU", "Merchant SKU", "ASIN", "Condition", "Supplier", "Supplier part no.",
    "Currency code", "Price", "Sales last 30 days", "Units Sold Last 30 Days", "Total Units", "Inbound", "Available",
    "FC transfer", "FC Processing", "Customer Order", "Unfulfillable", "Working", "Shipped", "Receiving",
    "Fulfilled by", "Total Days of Supply (including units from open shipments)",
    "Days of Supply at Amazon Fulfillment Network", "Alert", "Recommended replenishment qty",
    "Recommended ship date", "Recommended action", "Unit storage size",
]
STRANDED = [  # §15 (18)
    "primary-action", "date-stranded", "Date-to-take-auto-removal", "status-primary", "status-secondary",
    "error-message", "stranded-reason", "asin", "sku", "fnsku", "product-name", "condition", "fulfilled-by",
    "fulfillable-qty", "your-price", "unfulfillable-qty", "reserved-quantity", "inbound-shipped-qty",
]
REMOVAL_ORDERS = [  # §16, documented (16, service-speed 4th)
    "request-date", "order-id", "order-type", "service-speed", "order-status", "last-updated-date", "sku", "fnsku",
    "disposition", "requested-quantity", "cancelled-quantity", "disposed-quantity", "shipped-quantity",
    "in-process-quantity", "removal-fee", "currency",
]
REMOVAL_ORDERS_2026 = [  # §16, production August 2026
    "request-date", "order-id", "order-source", "order-type", "order-status", "last-updated-date", "sku", "fnsku",
    "disposition", "requested-quantity", "cancelled-quantity", "disposed-quantity", "shipped-quantity",
    "in-process-quantity", "removal-fee", "currency",
]
REMOVAL_SHIPMENTS = [  # §17 (10)
    "request-date", "order-id", "shipment-date", "sku", "fnsku", "disposition", "shipped-quantity", "carrier",
    "tracking-number", "removal-order-type",
]
REPLACEMENTS = [  # §18 (9)
    "shipment-date", "sku", "asin", "fulfillment-center-id", "original-fulfillment-center-id", "quantity",
    "replacement-reason-code", "replacement-amazon-order-id", "original-amazon-order-id",
]
PROMOTIONS = [  # §19 (9)
    "shipment-date", "currency", "item-promotion-discount", "item-promotion-id", "description",
    "promotion-rule-value", "amazon-order-id", "shipment-id", "shipment-item-id",
]
AFN = ["seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "Warehouse-Condition-code",
       "Quantity Available"]  # §20
AFN_BY_COUNTRY = ["seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "country",
                  "quantity-for-local-fulfillment"]  # §20
RESERVED = ["sku", "fnsku", "asin", "product-name", "reserved_qty", "reserved_customerorders",
            "reserved_fc-transfers", "reserved_fc-processing"]  # §21 documented
RESERVED_MAY_2026 = RESERVED + ["program"]
RESERVED_AUGUST_2026 = ["sku", "fnsku", "asin", "product-name", "reserved_qty", "reserved_customerorders",
                        "reserved_fc-processing", "reserved_staging", "program"]
LISTING_FIRST_27 = [  # §23a: ALL_DATA's columns 1-27 (part 1 §2)
    "item-name", "item-description", "listing-id", "seller-sku", "price", "quantity", "open-date", "image-url",
    "item-is-marketplace", "product-id-type", "zshop-shipping-fee", "item-note", "item-condition",
    "zshop-category1", "zshop-browse-path", "zshop-storefront-feature", "asin1", "asin2", "asin3",
    "will-ship-internationally", "expedited-shipping", "zshop-boldface", "product-id", "bid-for-featured-placement",
    "add-delete", "pending-quantity", "fulfillment-channel",
]
QUANTITY_PRICES = ["Quantity Lower Bound 1", "Quantity Price 1", "Quantity Lower Bound 2", "Quantity Price 2",
                   "Quantity Lower Bound 3", "Quantity Price 3", "Quantity Lower Bound 4", "Quantity Price 4",
                   "Quantity Lower Bound 5", "Quantity Price 5"]
PROGRESSIVE_PRICES = ["Progressive Lower Bound 1", "Progressive Price 1", "Progressive Lower Bound 2",
                      "Progressive Price 2", "Progressive Lower Bound 3", "Progressive Price 3"]
ACTIVE_LISTINGS = (LISTING_FIRST_27 + ["Business Price", "Quantity Price Type"] + QUANTITY_PRICES
                   + ["merchant-shipping-group", "Progressive Price Type"] + PROGRESSIVE_PRICES)  # §23a (47)
INACTIVE_LISTINGS = LISTING_FIRST_27 + ["merchant-shipping-group"]  # §23b (28)
CANCELLED_LISTINGS = [  # §23c (23)
    "item-name", "item-description", "seller-sku", "price", "quantity", "image-url", "item-is-marketplace",
    "product-id-type", "zshop-shipping-fee", "item-note", "item-condition", "zshop-category1", "zshop-browse-path",
    "zshop-storefront-feature", "asin1", "asin2", "asin3", "will-ship-internationally", "expedited-shipping",
    "zshop-boldface", "product-id", "add-delete", "merchant-shipping-group",
]
OPEN_LISTINGS = (["sku", "asin", "price", "quantity", "Business Price", "Quantity Price Type"] + QUANTITY_PRICES
                 + ["Progressive Price Type"] + PROGRESSIVE_PRICES)  # §23d (23)
SUPPRESSED = ["Status", "Reason", "SKU", "ASIN", "Product name", "Condition", "Status Change Date",
              "Issue Description"]  # §23e (8)
ARCHIVED_ORDERS = [  # §24 (34)
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-country",
    "ship-promotion-id", "promotion-ids", "is-business-order", "purchase-order-number", "price-designation",
    "customized-url", "customized-page", "is-heavy-or-bulky", "is-replacement-order",
]
DATE_RANGE_US = [  # §25 (30)
    "date/time", "settlement id", "type", "order id", "sku", "description", "quantity", "marketplace",
    "account type", "fulfillment", "order city", "order state", "order postal", "tax collection model",
    "product sales", "product sales tax", "shipping credits", "shipping credits tax", "gift wrap credits",
    "giftwrap credits tax", "Regulatory Fee", "Tax On Regulatory Fee", "promotional rebates",
    "promotional rebates tax", "marketplace withheld tax", "selling fees", "fba fees", "other transaction fees",
    "other", "total",
]
DATE_RANGE_DE = [  # §25, DE (hyperf-admin-amazon's header map, which §25 cites)
    "Datum/Uhrzeit", "Abrechnungsnummer", "Typ", "Bestellnummer", "SKU", "Beschreibung", "Menge", "Marketplace",
    "Versand", "Ort der Bestellung", "Bundesland", "Postleitzahl", "Steuererhebungsmodell", "Umsätze",
    "Produktumsatzsteuer", "Gutschrift für Versandkosten", "Steuer auf Versandgutschrift",
    "Gutschrift für Geschenkverpackung", "Steuer auf Geschenkverpackungsgutschriften", "Rabatte aus Werbeaktionen",
    "Steuer auf Aktionsrabatte", "Einbehaltene Steuer auf Marketplace", "Verkaufsgebühren",
    "Gebühren zu Versand durch Amazon", "Andere Transaktionsgebühren", "Andere", "Gesamt",
]
FEEDBACK = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]  # §26
MYI = [  # part 1 §3 (21), the contract of §27
    "sku", "fnsku", "asin", "product-name", "condition", "your-price", "mfn-listing-exists",
    "mfn-fulfillable-quantity", "afn-listing-exists", "afn-warehouse-quantity", "afn-fulfillable-quantity",
    "afn-unsellable-quantity", "afn-reserved-quantity", "afn-total-quantity", "per-unit-volume",
    "afn-inbound-working-quantity", "afn-inbound-shipped-quantity", "afn-inbound-receiving-quantity",
    "afn-researching-quantity", "afn-reserved-future-supply", "afn-future-supply-buyable",
]
ACTIONABLE = [  # §28a (27)
    "order-id", "order-item-id", "purchase-date", "payments-date", "reporting-date", "promise-date",
    "days-past-promise", "buyer-email", "buyer-phone-number", "sku", "product-name", "quantity-purchased",
    "quantity-shipped", "quantity-to-ship", "ship-service-level", "recipient-name", "ship-address-1",
    "ship-address-2", "ship-address-3", "ship-city", "ship-state", "ship-postal-code", "ship-country",
    "is-business-order", "purchase-order-number", "price-designation", "is-prime",
]
AFS = [  # part 1 §4 (48): the INVOICING report's columns (§28b)
    "amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id", "amazon-order-item-id",
    "merchant-order-item-id", "purchase-date", "payments-date", "shipment-date", "reporting-date", "buyer-email",
    "buyer-name", "buyer-phone-number", "sku", "product-name", "quantity-shipped", "currency", "item-price",
    "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "ship-service-level",
    "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
    "ship-postal-code", "ship-country", "ship-phone-number", "bill-address-1", "bill-address-2", "bill-address-3",
    "bill-city", "bill-state", "bill-postal-code", "bill-country", "item-promotion-discount",
    "ship-promotion-discount", "carrier", "tracking-number", "estimated-arrival-date", "fulfillment-center-id",
    "fulfillment-channel", "sales-channel",
]
OVERAGE = ["charged_date", "country_code", "storage_type", "charge_rate", "storage_usage_volume",
           "storage_limit_volume", "overage_volume", "volume_unit", "charged_fee_amount", "currency_code"]  # §29a
LONG_TERM_STORAGE = ["snapshot-date", "sku", "fnsku", "asin", "product-name", "condition", "per-unit-volume",
                     "currency", "volume-unit", "country", "qty-charged", "amount-charged", "surcharge-age-tier",
                     "rate-surcharge"]  # §29b
STORAGE = [  # part 1 §11 (27)
    "asin", "fnsku", "product_name", "fulfillment_center", "country_code", "longest_side", "median_side",
    "shortest_side", "measurement_units", "weight", "weight_units", "item_volume", "volume_units",
    "product_size_tier", "average_quantity_on_hand", "average_quantity_pending_removal",
    "estimated_total_item_volume", "month_of_charge", "storage_rate", "currency", "estimated_monthly_storage_fee",
    "dangerous_goods_storage_type", "eligible_for_inventory_discount", "qualifies_for_inventory_discount",
    "total_incentive_fee_amount", "breakdown_incentive_fee_amount", "average_quantity_customer_orders",
]
PLANNING = (  # part 1 §10 (63)
    "snapshot-date, sku, fnsku, asin, product-name, condition, available, pending-removal-quantity, "
    "inv-age-0-to-90-days, inv-age-91-to-180-days, inv-age-181-to-270-days, inv-age-271-to-365-days, "
    "inv-age-365-plus-days, currency, qty-to-be-charged-ltsf-11-mo, projected-ltsf-11-mo, "
    "qty-to-be-charged-ltsf-12-mo, estimated-ltsf-next-charge, units-shipped-t7, units-shipped-t30, "
    "units-shipped-t60, units-shipped-t90, alert, your-price, sales-price, lowest-price-new-plus-shipping, "
    "lowest-price-used, recommended-action, healthy-inventory-level, recommended-sales-price, "
    "recommended-sale-duration-days, recommended-removal-quantity, estimated-cost-savings-of-recommended-actions, "
    "sell-through, item-volume, volume-unit-measurement, storage-type, storage-volume, marketplace, product-group, "
    "sales-rank, days-of-supply, estimated-excess-quantity, weeks-of-cover-t30, weeks-of-cover-t90, "
    "featuredoffer-price, sales-shipped-last-7-days, sales-shipped-last-30-days, sales-shipped-last-60-days, "
    "sales-shipped-last-90-days, inv-age-0-to-30-days, inv-age-31-to-60-days, inv-age-61-to-90-days, "
    "inv-age-181-to-330-days, inv-age-331-to-365-days, estimated-storage-cost-next-month, inbound-quantity, "
    "inbound-working, inbound-shipped, inbound-received, no-sale-last-6-months, reserved-quantity, "
    "unfulfillable-quantity").split(", ")
LEDGER_SUMMARY = [  # part 1 §8, docs spelling (21)
    "Date", "FNSKU", "ASIN", "MSKU", "Title", "Disposition", "StartingWarehouseBalance", "InTransitBetweenWarehouses",
    "Receipts", "CustomerShipments", "CustomerReturns", "VendorReturns", "WarehouseTransferIn/Out", "Found", "Lost",
    "Damaged", "Disposed", "OtherEvents", "EndingWarehouseBalance", "UnknownEvents", "Location",
]
LEDGER_SUMMARY_PRODUCTION = [  # part 1 §8, production variant
    "Date", "FNSKU", "ASIN", "MSKU", "Title", "Disposition", "Starting Warehouse Balance",
    "In Transit Between Warehouses", "Receipts", "Customer Shipments", "Customer Returns", "Vendor Returns",
    "Warehouse Transfer In/Out", "Found", "Lost", "Damaged", "Disposed", "Other Events", "Ending Warehouse Balance",
    "Unknown Events", "Location",
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _next(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _z(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _days(first: date, last: date) -> tuple[str, str]:
    return f"{first.isoformat()}T00:00:00Z", f"{last.isoformat()}T23:59:59Z"


W45 = _days(date(2026, 1, 1), date(2026, 2, 14))
W30 = _days(date(2026, 1, 5), date(2026, 2, 3))
JANUARY = _days(date(2026, 1, 1), date(2026, 1, 31))
EARLY_MARCH = _days(date(2026, 3, 1), date(2026, 3, 15))  # the overage charged for February (on the 7th)
LAST_DAYS = (_z(NOW - timedelta(days=5)), _z(NOW - timedelta(minutes=1)))
SNAPSHOT = None

# report type, window, options, the header per marketplace asked (documented in the US unless said)
SERVED = [
    ("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", W45, None, {US: MFN_RETURNS, DE: MFN_RETURNS + ["Order Item ID"]}),
    ("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA", W45, None, {US: REPLACEMENTS, JP: REPLACEMENTS}),
    ("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", (_z(NOW - timedelta(days=4)), _z(NOW - timedelta(minutes=1))), None,
     {US: FEE_PREVIEW_NA, DE: FEE_PREVIEW_EU, JP: FEE_PREVIEW_EU}),
    ("GET_FBA_STORAGE_FEE_CHARGES_DATA", JANUARY, None,
     {US: STORAGE, DE: [h.replace("_", "-") for h in STORAGE]}),
    ("GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA", JANUARY, None,
     {US: LONG_TERM_STORAGE, JP: LONG_TERM_STORAGE}),
    ("GET_FBA_OVERAGE_FEE_CHARGES_DATA", EARLY_MARCH, None, {US: OVERAGE, DE: OVERAGE}),
    ("GET_FBA_INVENTORY_PLANNING_DATA", SNAPSHOT, None, {US: PLANNING, JP: PLANNING}),
    ("GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", SNAPSHOT, None, {US: RESTOCK, DE: RESTOCK}),
    ("GET_STRANDED_INVENTORY_UI_DATA", SNAPSHOT, None, {US: STRANDED, DE: STRANDED + ["program"]}),
    ("GET_LEDGER_SUMMARY_VIEW_DATA", JANUARY, None, {US: LEDGER_SUMMARY, DE: LEDGER_SUMMARY_PRODUCTION}),
    ("GET_LEDGER_SUMMARY_VIEW_DATA", W30, {"aggregatedByTimePeriod": "DAILY", "aggregateByLocation": "FC"},
     {US: LEDGER_SUMMARY}),
    ("GET_LEDGER_SUMMARY_VIEW_DATA", W30, {"aggregatedByTimePeriod": "WEEKLY"}, {JP: LEDGER_SUMMARY_PRODUCTION}),
    ("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", W45, None, {US: REMOVAL_ORDERS, DE: REMOVAL_ORDERS_2026}),
    ("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", W45, None, {US: REMOVAL_SHIPMENTS, JP: REMOVAL_SHIPMENTS}),
    ("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", W45, None, {US: PROMOTIONS}),
    ("GET_AFN_INVENTORY_DATA", SNAPSHOT, None, {US: AFN, JP: AFN}),
    ("GET_AFN_INVENTORY_DATA_BY_COUNTRY", SNAPSHOT, None, {DE: AFN_BY_COUNTRY}),
    ("GET_RESERVED_INVENTORY_DATA", SNAPSHOT, None, {US: RESERVED, DE: RESERVED_MAY_2026, JP: RESERVED_AUGUST_2026}),
    ("GET_FBA_MYI_ALL_INVENTORY_DATA", SNAPSHOT, None,
     {US: MYI, DE: MYI + ["afn-fc-transfer-quantity", "afn-onhand-buyable-quantity", "store"]}),
    ("GET_MERCHANT_LISTINGS_DATA", SNAPSHOT, None, {US: ACTIVE_LISTINGS, JP: ACTIVE_LISTINGS}),
    ("GET_MERCHANT_LISTINGS_INACTIVE_DATA", SNAPSHOT, None, {US: INACTIVE_LISTINGS, DE: INACTIVE_LISTINGS}),
    ("GET_MERCHANT_CANCELLED_LISTINGS_DATA", SNAPSHOT, None, {US: CANCELLED_LISTINGS}),
    ("GET_FLAT_FILE_OPEN_LISTINGS_DATA", SNAPSHOT, None, {US: OPEN_LISTINGS, JP: OPEN_LISTINGS}),
    ("GET_MERCHANTS_LISTINGS_FYP_REPORT", SNAPSHOT, None, {US: SUPPRESSED, DE: SUPPRESSED}),
    ("GET_FLAT_FILE_ARCHIVED_ORDERS_DATA_BY_ORDER_DATE", W30, None, {US: ARCHIVED_ORDERS, JP: ARCHIVED_ORDERS}),
    ("GET_SELLER_FEEDBACK_DATA", W45, None, {US: FEEDBACK, DE: [*FEEDBACK[:3], "Response", *FEEDBACK[4:]],
                                             JP: [*FEEDBACK[:3], "Response", *FEEDBACK[4:]]}),
    ("GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", LAST_DAYS, None,
     {US: ACTIONABLE, DE: [*ACTIONABLE[:-1], "is-iba"]}),
    ("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING", W30, None, {US: AFS, JP: AFS}),
]
NEW_TYPES = sorted({t for t, *_ in SERVED} | {"GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA"})
RESTRICTED = ("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_INVOICING", "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING")


# ---- reading values back with the notes' forms ---------------------------------------------

_SHORT_DATES = {US: "%m/%d/%y", DE: "%d.%m.%y", JP: "%y/%m/%d"}  # seller feedback (§26)
_FLAGS = {"true": True, "Yes": True, "Y": True, "false": False, "No": False, "N": False}


def _moment(text: str) -> datetime:
    for form in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y %H:%M:%S UTC"):
        try:
            t = datetime.strptime(text, form)
            return t if t.tzinfo else t.replace(tzinfo=UTC)
        except ValueError:
            pass
    # US Pacific time: 2021-08-15 20:35:17 PDT (listings), Jun 26, 2023 11:53:30 PM PDT (Date Range report)
    m = re.fullmatch(r"(.+) (PDT|PST)", text)
    assert m, f"not a documented date-time form: {text!r}"
    zone = timezone(timedelta(hours=-7 if m[2] == "PDT" else -8))
    for form in ("%Y-%m-%d %H:%M:%S", "%b %d, %Y %I:%M:%S %p"):
        try:
            return datetime.strptime(m[1], form).replace(tzinfo=zone)
        except ValueError:
            pass
    raise AssertionError(f"not a documented date-time form: {text!r}")


def _day(text: str, marketplace: str) -> date | None:
    if text == "none":  # restock: no shipment recommended
        return None
    if re.fullmatch(r"\d\d/\d{4}", text):  # ledger summary, monthly
        return date(int(text[3:]), int(text[:2]), 1)
    if re.fullmatch(r"\d{4}-\d\d", text):  # storage month_of_charge
        return date(int(text[:4]), int(text[5:]), 1)
    for form in ("%d-%b-%Y", "%m/%d/%Y", "%Y-%m-%d", "%b %d, %Y", _SHORT_DATES[marketplace]):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            pass
    raise AssertionError(f"not a documented date form: {text!r}")


def _value(fact: str, text: str, marketplace: str):
    if fact == "text":
        return text
    if text == "":
        return None
    if fact == "money":
        return Decimal(text.replace(",", "."))
    if fact == "quantity":
        return 365 if text == "365+" else int(text)
    if fact == "flag":
        return _FLAGS[text]
    if fact == "timestamp":
        return _moment(text)
    assert fact == "date", fact
    return _day(text, marketplace)


def _table(text: str, quoted: bool = False) -> tuple[list[str], list[list[str]]]:
    lines = text.rstrip("\n").split("\n")
    cells = [line.split("\t") for line in lines]
    if quoted:
        assert all(c.startswith('"') and c.endswith('"') for line in cells for c in line), "every field quoted"
        cells = [[c[1:-1] for c in line] for line in cells]
    assert all(len(line) == len(cells[0]) for line in cells), "every row as wide as the header"
    return cells[0], cells[1:]


def _agrees(truth, header: list[str], rows: list[list[str]], marketplace: str) -> None:
    """Every compared value of the document, read back, equals the ground truth, row by row."""
    assert list(truth.header) == header
    index = {h: header.index(h) for h in truth.facts}
    got = [{h: _value(fact, row[index[h]], marketplace) for h, fact in truth.facts.items()} for row in rows]
    assert len(got) == len(truth.rows)
    for n, (mine, expected) in enumerate(zip(got, truth.rows, strict=True)):
        assert mine == expected, (truth.report_type, n, {h: (mine[h], expected[h]) for h in mine
                                                         if mine[h] != expected[h]})
    keys = [tuple(r[h] for h in truth.key) for r in truth.rows]
    assert len(set(keys)) == len(keys), "the key identifies a row"


# ---- the server -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    """A sandbox over a small seller, its clock at NOW."""
    with SandboxServer(SandboxConfig(**FAST, **SMALL)) as sb:
        assert httpx.post(sb.url + "/_sandbox/clock", json={"now": _z(NOW)}).status_code == 200
        api = make_api(sb)
        yield api
        api.http.close()


def _finish(api, report_type, marketplace, window, options=None) -> dict:
    kw = dict(start=window[0], end=window[1]) if window else {}
    r = api.create_report(report_type, (marketplace,), options=options, **kw)
    assert r.status_code == 202, r.text
    return api.wait_report(r.json()["reportId"])


def _download(api, report: dict, token: str | None = None) -> tuple[str, str]:
    """The document's text decoded in its Content-Type charset, and the Content-Type."""
    doc = api.call("getReportDocument", "GET", f"/reports/2021-06-30/documents/{report['reportDocumentId']}",
                   token=token)
    assert doc.status_code == 200, doc.text
    r = httpx.get(doc.json()["url"])
    content_type = r.headers["content-type"]
    return gzip.decompress(r.content).decode(CODECS[content_type.split("charset=")[1]]), content_type


def _rdt(api, report: dict) -> str:
    body = {"restrictedResources": [{"method": "GET",
                                     "path": f"/reports/2021-06-30/documents/{report['reportDocumentId']}"}]}
    r = api.call("createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken", json=body)
    assert r.status_code == 200, r.text
    return r.json()["restrictedDataToken"]


def _truth(report_type: str, marketplace: str, report: dict, options=None):
    created, start = _at(report["createdTime"]), _at(report["dataStartTime"])
    end = _at(report["dataEndTime"]) + timedelta(seconds=1)
    return layouts.layout(report_type).truth(SELLER, marketplace, start, end, created, options)


# ---- headers, charsets and values of every served report -------------------------------------

def test_every_new_layout_has_the_notes_header():
    for report_type, _, _, headers in SERVED:
        found = layouts.layout(report_type)
        for marketplace, header in headers.items():
            assert [c.header for c in found.columns_for(marketplace)] == header, (report_type, marketplace)
    assert {t for t in NEW_TYPES} <= set(layouts.SUPPORTED)


@pytest.mark.parametrize("report_type,window,options,headers", SERVED,
                         ids=[f"{t}-{'-'.join(o.values()) if o else ''}" for t, _, o, _ in SERVED])
def test_served_documents_carry_the_header_and_the_sellers_facts(small, report_type, window, options, headers):
    found = layouts.layout(report_type)
    for marketplace, header in headers.items():
        report = _finish(small, report_type, marketplace, window, options)
        truth = _truth(report_type, marketplace, report, options)
        assert truth.rows, (report_type, marketplace)
        assert report["processingStatus"] == "DONE", report
        token = _rdt(small, report) if report_type in RESTRICTED else None
        text, content_type = _download(small, report, token)
        assert content_type == f"text/plain; charset={MARKETPLACES[marketplace].charset}"
        got_header, rows = _table(text, quoted=found.quoted)
        assert got_header == header
        _agrees(truth, got_header, rows, marketplace)


@pytest.mark.parametrize("report_type,marketplace", [
    ("GET_AFN_INVENTORY_DATA_BY_COUNTRY", US),  # Europe only (§20)
    ("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", DE),  # NA only (§19)
])
def test_reports_of_other_regions_have_no_data(small, report_type, marketplace):
    window = None if layouts.layout(report_type).snapshot else W45
    assert _finish(small, report_type, marketplace, window)["processingStatus"] == "CANCELLED"


def test_open_listings_use_the_first_marketplace_only(small):
    r = small.create_report("GET_FLAT_FILE_OPEN_LISTINGS_DATA", (DE, US))
    report = small.wait_report(r.json()["reportId"])
    text, content_type = _download(small, report)
    assert content_type == "text/plain; charset=Cp1252"
    _, rows = _table(text)
    assert [row[0] for row in rows] == [listing.product.sku for listing in SELLER.listings(DE)]


def test_ledger_summary_options_are_checked(small):
    r = small.create_report("GET_LEDGER_SUMMARY_VIEW_DATA", (US,), start=W30[0], end=W30[1],
                            options={"aggregatedByTimePeriod": "YEARLY"})
    assert r.status_code == 400
    assert r.json()["errors"][0] == {"code": "InvalidInput", "message": "Invalid reportOptions.aggregatedByTimePeriod "
                                     "'YEARLY'", "details": "Allowed: MONTHLY, DAILY, WEEKLY"}


# ---- Amazon's request rules ------------------------------------------------------------------

def _error_document(api, report: dict) -> str:
    assert report["processingStatus"] == "FATAL", report
    text, _ = _download(api, report)
    return text


def test_mfn_returns_allow_60_days_and_end_fatal_beyond(small):
    ok = _finish(small, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", US, _days(date(2025, 11, 1), date(2025, 12, 30)))
    assert ok["processingStatus"] in ("DONE", "CANCELLED")
    assert ok["processingStatus"] == ("DONE" if SELLER.merchant_returns_between(US, date(2025, 11, 1),
                                                                                date(2025, 12, 30)) else "CANCELLED")
    too_wide = _finish(small, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", US,
                       _days(date(2025, 11, 1), date(2025, 12, 31)))
    assert _error_document(small, too_wide) == \
        '{"errorDetails": "Date range exceeded. Report can be requested only upto 60 days"}'


def test_fee_preview_needs_a_start_72_hours_back(small):
    late = _finish(small, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", US,
                   (_z(NOW - timedelta(hours=71)), _z(NOW - timedelta(minutes=1))))
    assert _error_document(small, late) == (
        '{"errorDetails": "To successfully generate a report, specify the StartDate parameter for a minimum 72 '
        'hours prior to NOW and EndDate to NOW."}')
    assert _finish(small, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", US, None)["processingStatus"] == "FATAL"
    in_time = _finish(small, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", US,
                      (_z(NOW - timedelta(hours=73)), _z(NOW - timedelta(minutes=1))))
    assert in_time["processingStatus"] == "DONE"


@pytest.mark.parametrize("report_type", [
    "GET_FBA_SNS_FORECAST_DATA", "GET_FBA_SNS_PERFORMANCE_DATA", "GET_FBA_FULFILLMENT_CURRENT_INVENTORY_DATA",
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"])
def test_removed_report_types_are_not_allowed(small, report_type):
    r = small.create_report(report_type, (US,))
    assert r.status_code == 400
    assert r.json()["errors"][0] == {"code": "InvalidInput",
                                     "message": f"Request for report type {report_type} is not allowed at this time"}


def test_retired_inventory_health_reports_end_fatal(small):
    for report_type in ("GET_FBA_FULFILLMENT_INVENTORY_HEALTH_DATA", "GET_EXCESS_INVENTORY_DATA",
                        "GET_FBA_INVENTORY_AGED_DATA"):
        report = _finish(small, report_type, US, None)
        assert _error_document(small, report) == (
            f'{{"errorDetails": "Report type {report_type} is no longer available; '
            f'use GET_FBA_INVENTORY_PLANNING_DATA."}}')


@pytest.mark.parametrize("report_type", RESTRICTED)
def test_restricted_documents_need_a_restricted_data_token(small, report_type):
    window = W30 if report_type.endswith("INVOICING") else LAST_DAYS
    report = _finish(small, report_type, US, window)
    assert report["processingStatus"] == "DONE"
    path = f"/reports/2021-06-30/documents/{report['reportDocumentId']}"
    refused = small.call("getReportDocument", "GET", path)
    assert refused.status_code == 403
    assert refused.json() == {"errors": [{
        "code": "Unauthorized", "message": "Access to requested resource is denied.",
        "details": f"{report_type} is a restricted report: call getReportDocument with a Restricted Data Token "
                   f"(Tokens API createRestrictedDataToken)"}]}
    text, _ = _download(small, report, _rdt(small, report))
    header, rows = _table(text)
    names = {row[header.index("recipient-name")] for row in rows}
    assert names and all(names), "the restricted document carries the buyers' names"


# ---- the Date Range report: listed, never requested -------------------------------------------

def test_date_range_report_cannot_be_created(small):
    for create in (lambda: small.create_report("GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA", (US,)),
                   lambda: small.call("createReportSchedule", "POST", "/reports/2021-06-30/schedules", json={
                       "reportType": "GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA", "marketplaceIds": [US],
                       "period": "P30D"})):
        r = create()
        assert r.status_code == 400
        assert r.json()["errors"][0] == {"code": "InvalidInput",
                                         "message": "Request for report type 1202 is not allowed at this time"}


def test_date_range_reports_are_listed_and_add_up_to_the_settlements(small):
    listed = small.call("getReports", "GET", "/reports/2021-06-30/reports", params={
        "reportTypes": "GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA"}).json()["reports"]
    # One per served marketplace (US, DE: the notes give no JP header) and month, the day after the month;
    # kept 90 days (NOW - 90 days is 2025-12-16). Newest first.
    months = [date(2026, 2, 1), date(2026, 1, 1), date(2025, 12, 1)]
    assert [(r["marketplaceIds"], _at(r["dataStartTime"]), _at(r["dataEndTime"]), _at(r["createdTime"]))
            for r in listed] == [([mp], _midnight(m), _midnight(_next(m)), _midnight(_next(m)) + timedelta(days=1,
                                                                                                           hours=4))
                                 for m in months for mp in (DE, US)]
    for report in listed[:2]:
        marketplace = report["marketplaceIds"][0]
        assert small.get_report(report["reportId"]) == report
        text, content_type = _download(small, report)
        assert content_type == f"text/csv; charset={MARKETPLACES[marketplace].charset}"
        lines = text.rstrip("\n").split("\n")
        currency = MARKETPLACES[marketplace].currency
        assert lines[1] == f'"All amounts in {currency}, unless specified"'
        assert all(line.startswith('"') and line.endswith('"') for line in lines)
        header, *rows = list(csv.reader(lines[7:]))
        assert header == (DATE_RANGE_US if marketplace == US else DATE_RANGE_DE)
        truth = layouts.layout(report["reportType"]).truth(  # a generated report's period is half-open
            SELLER, marketplace, _at(report["dataStartTime"]), _at(report["dataEndTime"]), _at(report["createdTime"]))
        assert truth.rows
        _agrees(truth, header, rows, marketplace)
        total = sum(Decimal(r[-1].replace(",", ".")) for r in rows)
        start, end = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
        posted = [line.amount for s in (SELLER.settlement_period(start)[0] + timedelta(days=14 * n) for n in range(4))
                  for line in SELLER.settlement_lines(marketplace, s, s + timedelta(days=14))
                  if line.transaction_type and start <= line.posted < end]
        assert total == sum(posted)


# ---- the same facts in several reports ------------------------------------------------------

def _rows(report_type: str, marketplace: str, start: datetime, end: datetime, now: datetime = NOW,
          options=None) -> list[dict]:
    return layouts.layout(report_type).truth(SELLER, marketplace, start, end, now, options).rows


def test_fee_preview_fees_are_the_fees_settlements_charge():
    preview = {r["sku"]: r for r in _rows("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", US, NOW, NOW)}
    checked = 0
    start = datetime(2026, 1, 12, tzinfo=UTC)
    lines = [line for line in SELLER.settlement_lines(US, start, start + timedelta(days=14)) if line.quantity]
    for line in lines:
        if line.amount_description == "FBAPerUnitFulfillmentFee":
            assert -line.amount / line.quantity == preview[line.sku]["expected-fulfillment-fee-per-unit"]
            checked += 1
        if line.amount_description == "Commission" and line.transaction_type == "Order" and line.quantity == 1 \
                and line.sku in preview:
            assert -line.amount == preview[line.sku]["estimated-referral-fee-per-unit"]
    assert checked > 10


def test_ledger_summary_sums_the_ledger_detail():
    start, end = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 19, tzinfo=UTC)
    detail = _rows("GET_LEDGER_DETAIL_VIEW_DATA", US, start, end)
    sums: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in detail:
        sums[(e["Date"], e["FNSKU"], e["Disposition"])][e["EventType"]] += e["Quantity"]
    summary = _rows("GET_LEDGER_SUMMARY_VIEW_DATA", US, start, end, options={"aggregatedByTimePeriod": "DAILY"})
    assert {(r["Date"], r["FNSKU"], r["Disposition"]): {"Shipments": r["CustomerShipments"],
                                                        "CustomerReturns": r["CustomerReturns"]}
            for r in summary} == {k: {"Shipments": v["Shipments"], "CustomerReturns": v["CustomerReturns"]}
                                  for k, v in sums.items()}
    assert all(r["EndingWarehouseBalance"] == r["StartingWarehouseBalance"] + r["CustomerShipments"]
               + r["CustomerReturns"] for r in summary)
    monthly = _rows("GET_LEDGER_SUMMARY_VIEW_DATA", US, start, end)
    assert {r["Date"] for r in monthly} == {date(2026, 1, 1)}
    assert sum(r["CustomerShipments"] for r in monthly) == sum(e["Quantity"] for e in detail
                                                               if e["EventType"] == "Shipments")


def test_planning_and_restock_show_the_inventory_shipments_and_aged_charges_of_their_day():
    fifteenth = datetime(2026, 1, 15, 9, tzinfo=UTC)
    myi = {r["sku"]: r for r in _rows("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", US, fifteenth, fifteenth, fifteenth)}
    planning = _rows("GET_FBA_INVENTORY_PLANNING_DATA", US, fifteenth, fifteenth, fifteenth)
    restock = {r["Merchant SKU"]: r for r in
               _rows("GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", US, fifteenth, fifteenth, fifteenth)}
    aged = {r["sku"]: r for r in _rows("GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA", US,
                                       datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))}
    day = datetime(2026, 1, 15, tzinfo=UTC)
    shipped = _rows("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", US, day - timedelta(days=30), day, fifteenth)
    assert [r["sku"] for r in planning] == list(myi) and len(planning) == 8
    for r in planning:
        sku = r["sku"]
        assert r["available"] == myi[sku]["afn-fulfillable-quantity"] == restock[sku]["Available"]
        assert restock[sku]["Total Units"] == myi[sku]["afn-total-quantity"]
        assert r["units-shipped-t30"] == restock[sku]["Units Sold Last 30 Days"] == sum(
            s["quantity-shipped"] for s in shipped if s["sku"] == sku)
        assert r["sales-shipped-last-30-days"] == sum((s["item-price"] for s in shipped if s["sku"] == sku),
                                                      Decimal(0))
        assert r["qty-to-be-charged-ltsf-12-mo"] == r["inv-age-365-plus-days"] == \
            (aged[sku]["qty-charged"] if sku in aged else 0)
        assert r["estimated-ltsf-next-charge"] == (aged[sku]["amount-charged"] if sku in aged else 0)
        assert r["inv-age-0-to-90-days"] + r["inv-age-91-to-180-days"] + r["inv-age-181-to-270-days"] + \
            r["inv-age-271-to-365-days"] + r["inv-age-365-plus-days"] == r["available"]


def test_inventory_snapshots_agree_with_the_myi_report():
    myi = {r["sku"]: r for r in _rows("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", DE, NOW, NOW)}
    reserved = _rows("GET_RESERVED_INVENTORY_DATA", DE, NOW, NOW)
    assert {r["sku"]: r["reserved_qty"] for r in reserved} == {s: r["afn-reserved-quantity"] for s, r in myi.items()}
    assert all(r["reserved_qty"] == r["reserved_customerorders"] + r["reserved_fc-transfers"]
               + r["reserved_fc-processing"] for r in reserved)
    afn = {(r["seller-sku"], r["Warehouse-Condition-code"]): r["Quantity Available"]
           for r in _rows("GET_AFN_INVENTORY_DATA", DE, NOW, NOW)}
    assert {s: afn[(s, "SELLABLE")] for s in myi} == {s: r["afn-fulfillable-quantity"] for s, r in myi.items()}
    assert {s: afn.get((s, "UNSELLABLE"), 0) for s in myi} == {s: r["afn-unsellable-quantity"] for s, r in myi.items()}
    by_country = _rows("GET_AFN_INVENTORY_DATA_BY_COUNTRY", DE, NOW, NOW)
    assert {r["seller-sku"]: r["quantity-for-local-fulfillment"] for r in by_country} == \
        {s: r["afn-fulfillable-quantity"] for s, r in myi.items()}
    everything = {r["sku"]: r for r in _rows("GET_FBA_MYI_ALL_INVENTORY_DATA", DE, NOW, NOW)}
    assert {s: everything[s] for s in myi} == myi
    stranded = _rows("GET_STRANDED_INVENTORY_UI_DATA", DE, NOW, NOW)
    assert stranded and all(r["sku"] not in myi and everything[r["sku"]]["afn-listing-exists"]
                            and r["fulfillable-qty"] == everything[r["sku"]]["afn-fulfillable-quantity"]
                            for r in stranded)


def test_storage_charges_follow_the_months_inventory():
    january = _rows("GET_FBA_STORAGE_FEE_CHARGES_DATA", US, datetime(2026, 1, 1, tzinfo=UTC),
                    datetime(2026, 2, 1, tzinfo=UTC))
    days = [datetime(2026, 1, d, 8, tzinfo=UTC) for d in range(1, 32)]
    daily = [{r["asin"]: r["afn-warehouse-quantity"] for r in _rows("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", US,
                                                                     d, d, d)} for d in days]
    assert len(january) == 8
    for r in january:
        assert r["average_quantity_on_hand"] == (Decimal(sum(d[r["asin"]] for d in daily)) / 31).quantize(
            Decimal("0.01"))
        assert r["estimated_total_item_volume"] == (r["item_volume"] * r["average_quantity_on_hand"]).quantize(
            Decimal("0.0001"))
        assert r["estimated_monthly_storage_fee"] == (r["estimated_total_item_volume"] * r["storage_rate"]).quantize(
            Decimal("0.01"))
    overage = _rows("GET_FBA_OVERAGE_FEE_CHARGES_DATA", US, datetime(2026, 3, 1, tzinfo=UTC),
                    datetime(2026, 3, 16, tzinfo=UTC))
    february = _rows("GET_FBA_STORAGE_FEE_CHARGES_DATA", US, datetime(2026, 2, 1, tzinfo=UTC),
                     datetime(2026, 3, 1, tzinfo=UTC))
    [charge] = overage
    assert charge["storage_usage_volume"] == sum(r["estimated_total_item_volume"] for r in february
                                                 if r["product_size_tier"] == "Standard")
    assert charge["overage_volume"] == charge["storage_usage_volume"] - charge["storage_limit_volume"] > 0
    assert charge["charged_fee_amount"] == (charge["overage_volume"] * charge["charge_rate"]).quantize(Decimal("0.01"))


def test_removals_returns_replacements_promotions_and_feedback_follow_orders_and_shipments():
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 15, tzinfo=UTC)
    orders = {(r["amazon-order-id"], r["sku"]): r for r in _rows(
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", US, start - timedelta(days=30), end)}
    shipments = {(r["amazon-order-id"], r["sku"]): r for r in _rows(
        "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", US, start - timedelta(days=30), end)}
    returns = _rows("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", US, start, end)
    assert returns
    for r in returns:
        order = orders[(r["Order ID"], r["Merchant SKU"])]
        assert (order["fulfillment-channel"], order["order-status"]) == ("Merchant", "Shipped")
        assert (r["Order Amount"], r["Order quantity"]) == (order["item-price"], order["quantity"])
        assert r["Order date"] == order["purchase-date"].date() < r["Return request date"]
    replacements = _rows("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA", US, start, end)
    assert replacements
    for r in replacements:
        shipped = shipments[(r["original-amazon-order-id"], r["sku"])]
        assert r["original-fulfillment-center-id"] == shipped["fulfillment-center-id"]
        assert r["quantity"] == shipped["quantity-shipped"] and r["shipment-date"] > shipped["shipment-date"]
    promotions = _rows("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_PROMOTION_DATA", US, start, end)
    running = {p.promotion_id: p for p in SELLER.promotions(US, start - timedelta(days=20), end)}
    assert promotions
    for r in promotions:
        shipped = next(s for s in shipments.values() if s["shipment-item-id"] == r["shipment-item-id"])
        p = running[r["item-promotion-id"]]
        assert orders[(r["amazon-order-id"], shipped["sku"])]["asin"] in p.asins
        assert p.start <= shipped["purchase-date"] < p.end
        assert r["item-promotion-discount"] == (shipped["item-price"] * p.discount_percent / 100).quantize(
            Decimal("0.01"))
    feedback = _rows("GET_SELLER_FEEDBACK_DATA", US, start, end)
    assert feedback
    by_order = {order_id: r for (order_id, _), r in orders.items()}
    for r in feedback:
        assert by_order[r["Order ID"]]["order-status"] == "Shipped"
        assert r["Date"] > by_order[r["Order ID"]]["last-updated-date"].date() and 1 <= r["Rating"] <= 3
    orders_detail = _rows("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA", US, start - timedelta(days=30), end)
    removal_shipments = _rows("GET_FBA_FULFILLMENT_REMOVAL_SHIPMENT_DETAIL_DATA", US, start, end)
    assert removal_shipments
    for r in removal_shipments:
        [order] = [o for o in orders_detail if (o["order-id"], o["sku"]) == (r["order-id"], r["sku"])]
        assert (order["order-status"], order["order-type"], order["shipped-quantity"]) == \
            ("Completed", "Return", r["shipped-quantity"])
        assert order["last-updated-date"] == r["shipment-date"]


def test_unshipped_orders_are_the_pending_merchant_lines_of_all_orders():
    start, now = NOW - timedelta(days=5), NOW
    pending = {(r["amazon-order-id"], r["sku"]) for r in _rows(
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", US, start, now, now)
        if r["order-status"] == "Pending" and r["fulfillment-channel"] == "Merchant"}
    unshipped = _rows("GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", US, start, now, now)
    assert pending and {(r["order-id"], r["sku"]) for r in unshipped} == pending
    assert all(r["quantity-to-ship"] == r["quantity-purchased"] and r["quantity-shipped"] == 0 for r in unshipped)
