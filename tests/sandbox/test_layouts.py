"""The sandbox's report layouts against the flat-file notes, and the documents it serves.

The headers below are copied from shared/sp-api/flat-file-columns.md and
flat-file-columns-2.md (the independent evidence); the layouts must equal them
and the served documents must carry exactly them.
"""
from __future__ import annotations

import ast
import gzip
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from pipelines.sandbox import layouts
from pipelines.sandbox.layouts.model import Col, FlatLayout, Quantity, RowRequest, row_writer
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller

from .conftest import DE, JP, US, rows

UTC = timezone.utc
SANDBOX_DIR = Path(layouts.__file__).resolve().parent.parent

ALL_ORDERS = [  # flat-file-columns.md §1 (33 columns)
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku", "asin",
    "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "cpf", "is-business-order",
    "purchase-order-number", "price-designation", "signature-confirmation-recommended",
]
LISTINGS_ALL = [  # §2 (29)
    "item-name", "item-description", "listing-id", "seller-sku", "price", "quantity", "open-date", "image-url",
    "item-is-marketplace", "product-id-type", "zshop-shipping-fee", "item-note", "item-condition",
    "zshop-category1", "zshop-browse-path", "zshop-storefront-feature", "asin1", "asin2", "asin3",
    "will-ship-internationally", "expedited-shipping", "zshop-boldface", "product-id",
    "bid-for-featured-placement", "add-delete", "pending-quantity", "fulfillment-channel",
    "merchant-shipping-group", "status",
]
MYI = [  # §3 (21)
    "sku", "fnsku", "asin", "product-name", "condition", "your-price", "mfn-listing-exists",
    "mfn-fulfillable-quantity", "afn-listing-exists", "afn-warehouse-quantity", "afn-fulfillable-quantity",
    "afn-unsellable-quantity", "afn-reserved-quantity", "afn-total-quantity", "per-unit-volume",
    "afn-inbound-working-quantity", "afn-inbound-shipped-quantity", "afn-inbound-receiving-quantity",
    "afn-researching-quantity", "afn-reserved-future-supply", "afn-future-supply-buyable",
]
AFS_SHIPMENTS = [  # §4 (48)
    "amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id", "amazon-order-item-id",
    "merchant-order-item-id", "purchase-date", "payments-date", "shipment-date", "reporting-date", "buyer-email",
    "buyer-name", "buyer-phone-number", "sku", "product-name", "quantity-shipped", "currency", "item-price",
    "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "ship-service-level",
    "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
    "ship-postal-code", "ship-country", "ship-phone-number", "bill-address-1", "bill-address-2",
    "bill-address-3", "bill-city", "bill-state", "bill-postal-code", "bill-country", "item-promotion-discount",
    "ship-promotion-discount", "carrier", "tracking-number", "estimated-arrival-date", "fulfillment-center-id",
    "fulfillment-channel", "sales-channel",
]
FBA_RETURNS = [  # §5 (13)
    "return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity", "fulfillment-center-id",
    "detailed-disposition", "reason", "status", "license-plate-number", "customer-comments",
]
REIMBURSEMENTS = [  # §6 (18)
    "approval-date", "reimbursement-id", "case-id", "amazon-order-id", "reason", "sku", "fnsku", "asin",
    "product-name", "condition", "currency-unit", "amount-per-unit", "amount-total", "quantity-reimbursed-cash",
    "quantity-reimbursed-inventory", "quantity-reimbursed-total", "original-reimbursement-id",
    "original-reimbursement-type",
]
LEDGER_DETAIL = [  # §7, docs spelling (14)
    "Date", "FNSKU", "ASIN", "MSKU", "Title", "EventType", "ReferenceID", "Quantity", "FulfillmentCenter",
    "Disposition", "Reason", "Country", "ReconciledQuantity", "UnreconciledQuantity",
]
SETTLEMENT_V2 = [  # §9 (24: promotion-id last, as in real files)
    "settlement-id", "settlement-start-date", "settlement-end-date", "deposit-date", "total-amount", "currency",
    "transaction-type", "order-id", "merchant-order-id", "adjustment-id", "shipment-id", "marketplace-name",
    "amount-type", "amount-description", "amount", "fulfillment-id", "posted-date", "posted-date-time",
    "order-item-code", "merchant-order-item-id", "merchant-adjustment-item-id", "sku", "quantity-purchased",
    "promotion-id",
]
DOCUMENTED = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": ALL_ORDERS,
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": ALL_ORDERS,
    "GET_MERCHANT_LISTINGS_ALL_DATA": LISTINGS_ALL,
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": MYI,
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": AFS_SHIPMENTS,
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": FBA_RETURNS,
    "GET_FBA_REIMBURSEMENTS_DATA": REIMBURSEMENTS,
    "GET_LEDGER_DETAIL_VIEW_DATA": LEDGER_DETAIL,
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2": SETTLEMENT_V2,
}
# Production headers (flat-file-columns-2.md): All Orders + order-item-id (Addenda), MYI 24 (§27),
# ledger detail 16 in Title Case with spaces (Addenda, and §7's production variant column).
PRODUCTION = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": ALL_ORDERS + ["order-item-id"],
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": ALL_ORDERS + ["order-item-id"],
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": MYI + ["afn-fc-transfer-quantity", "afn-onhand-buyable-quantity",
                                                      "store"],
    "GET_LEDGER_DETAIL_VIEW_DATA": [
        "Date", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity", "Fulfillment Center",
        "Disposition", "Reason", "Country", "Reconciled Quantity", "Unreconciled Quantity", "Date and Time",
        "Store"],
}
WINDOW = dict(start="2025-01-01T00:00:00Z", end="2025-01-14T23:59:59Z")


def _served(api, report_type, marketplace, options=None) -> tuple[str, httpx.Response]:
    found = layouts.layout(report_type)
    return api.report_text(report_type, (marketplace,), options=options,
                           **({} if found.snapshot else WINDOW))


def _header(text: str) -> list[str]:
    return [h.strip('"') for h in text.split("\n", 1)[0].split("\t")]


def test_every_flat_layout_has_the_documented_header():
    flat = {t: found for t, found in layouts.LAYOUTS.items() if isinstance(found, FlatLayout)}
    assert set(DOCUMENTED) <= set(flat)
    for report_type, header in DOCUMENTED.items():
        assert [c.header for c in flat[report_type].columns] == header, report_type
    for report_type, header in PRODUCTION.items():
        assert [c.header for c in flat[report_type].columns_for(DE)] == header, report_type


@pytest.mark.parametrize("report_type", sorted(set(DOCUMENTED) - {"GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"}))
def test_served_documents_carry_exactly_the_documented_header(api, report_type):
    text, download = _served(api, report_type, US)
    assert download.headers["content-type"] == "text/plain; charset=UTF-8"
    assert _header(text) == DOCUMENTED[report_type]
    assert rows(text.replace('"', ""))  # every row as wide as the header


@pytest.mark.parametrize("report_type", sorted(PRODUCTION))
def test_de_and_jp_get_the_production_header(api, report_type):
    for marketplace in (DE, JP):
        text, _ = _served(api, report_type, marketplace)
        assert _header(text) == PRODUCTION[report_type]


@pytest.mark.parametrize("granularity,records", [("CHILD", "salesAndTrafficByDate"), ("SKU", "salesAndTrafficByAsin")])
def test_sales_and_traffic_is_the_official_json_shape(api, granularity, records):
    options = {"dateGranularity": "DAY", "asinGranularity": granularity}
    text, download = _served(api, "GET_SALES_AND_TRAFFIC_REPORT", US, options)
    assert download.headers["content-type"] == "application/json; charset=UTF-8"
    doc = json.loads(text)
    assert set(doc) == {"reportSpecification", "salesAndTrafficByDate", "salesAndTrafficByAsin"}
    assert doc["reportSpecification"]["reportOptions"] == options and len(doc["salesAndTrafficByDate"]) == 14
    assert doc[records]


def test_settlement_documents_carry_the_documented_header(api):
    listed = api.call("getReports", "GET", "/reports/2021-06-30/reports",
                      params={"reportTypes": "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"}).json()["reports"]
    for report in listed[:3]:
        url = api.document(report["reportDocumentId"])["url"]
        assert _header(gzip.decompress(httpx.get(url).content).decode("latin-1")) == SETTLEMENT_V2


def test_the_ledger_encloses_every_field_in_quotes(api):
    text, _ = _served(api, "GET_LEDGER_DETAIL_VIEW_DATA", US)
    lines = text.rstrip("\n").split("\n")
    assert len(lines) > 2
    assert all(f.startswith('"') and f.endswith('"') for line in lines for f in line.split("\t"))


def test_values_are_written_in_amazons_forms():
    seller = SyntheticSeller(orders_per_day=40)
    start, end, now = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 4, tzinfo=UTC), datetime(2025, 2, 1,
                                                                                                   tzinfo=UTC)

    def first_row(report_type: str, marketplace: str = US) -> dict[str, str]:
        found = layouts.layout(report_type)
        entity = next(iter(found.entities(seller, marketplace, start, end, now)))
        columns = found.columns_for(marketplace)
        return dict(zip([c.header for c in columns], row_writer(columns, MARKETPLACES[marketplace])(entity)))

    orders = first_row("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
    assert datetime.fromisoformat(orders["purchase-date"]).utcoffset() == timedelta(0)
    assert orders["purchase-date"].endswith("+00:00") and "T" in orders["purchase-date"]
    listing = first_row("GET_MERCHANT_LISTINGS_ALL_DATA")
    assert listing["open-date"][-4:] in (" PST", " PDT") and len(listing["open-date"]) == 23
    ledger = first_row("GET_LEDGER_DETAIL_VIEW_DATA")
    assert datetime.strptime(ledger["Date"], "%m/%d/%Y").date() == date(2025, 1, 1)
    production = first_row("GET_LEDGER_DETAIL_VIEW_DATA", DE)
    assert production["Date and Time"] == "2025-01-01T00:00:00-0800"  # the day's start in Pacific (PST)
    settlement_layout = layouts.layout("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2")
    period = (datetime(2025, 1, 13, tzinfo=UTC), datetime(2025, 1, 27, tzinfo=UTC))
    for marketplace, decimal_mark in ((US, "."), (DE, ",")):
        columns = settlement_layout.columns
        write = row_writer(columns, MARKETPLACES[marketplace])
        summary, line = (dict(zip([c.header for c in columns], write(e))) for e in
                         list(settlement_layout.entities(seller, marketplace, *period, now))[:2])
        assert summary["settlement-start-date"] == "2025-01-13 00:00:00 UTC" and summary["transaction-type"] == ""
        assert decimal_mark in summary["total-amount"] and decimal_mark in line["amount"]
        assert line["posted-date"] == datetime.strptime(line["posted-date-time"], "%Y-%m-%d %H:%M:%S UTC") \
            .strftime("%m/%d/%y")


def test_documents_agree_with_the_seller_on_money_and_quantities(api):
    seller = SyntheticSeller()
    text, _ = api.report_text("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", (US,),
                              start="2025-01-01T00:00:00Z", end="2025-01-01T23:59:59Z")
    items = {(i.amazon_order_id, i.sku): i for i in seller.order_items(US, date(2025, 1, 1))}
    got = rows(text)
    assert len(got) == len(items)
    for r in got:
        i = items[(r["amazon-order-id"], r["sku"])]
        assert (r["item-price"], r["item-tax"]) == ("" if i.item_price is None else str(i.item_price),
                                                   "" if i.item_tax is None else str(i.item_tax))
        assert int(r["quantity"]) == i.quantity
    text, _ = api.report_text("GET_FBA_REIMBURSEMENTS_DATA", (US,), **WINDOW)
    for r in rows(text):
        assert Decimal(r["amount-total"]) == Decimal(r["amount-per-unit"]) * int(r["quantity-reimbursed-cash"])
        assert int(r["quantity-reimbursed-total"]) == int(r["quantity-reimbursed-cash"]) + int(
            r["quantity-reimbursed-inventory"])
    text, _ = api.report_text("GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA", (US,))
    for r in rows(text):  # the sums the notes document (§3)
        assert int(r["afn-warehouse-quantity"]) == sum(int(r[f"afn-{k}-quantity"])
                                                       for k in ("fulfillable", "unsellable", "reserved"))
        assert int(r["afn-total-quantity"]) == int(r["afn-warehouse-quantity"]) + sum(
            int(r[f"afn-inbound-{k}-quantity"]) for k in ("working", "shipped", "receiving"))


def test_pending_lines_are_unshipped_items():
    """item-status is Shipped, Unshipped or Cancelled (§1); a pending order's lines are unshipped."""
    seller = SyntheticSeller(orders_per_day=40)
    found = layouts.layout("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    seen = start + timedelta(hours=30)  # orders update up to 72 hours after purchase
    items = list(found.entities(seller.at(seen), US, start, start + timedelta(days=1), seen))
    statuses = {(i.order_status, i.item_status) for i in items}
    assert statuses == {("Pending", "Unshipped"), ("Shipped", "Shipped"), ("Cancelled", "Cancelled")}


# ---- windows -------------------------------------------------------------------------

def test_a_45_day_all_orders_request_ends_fatal_saying_why(api):
    report_id = api.create_report("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", start="2025-01-01T00:00:00Z",
                                  end="2025-02-14T23:59:59Z").json()["reportId"]
    report = api.wait_report(report_id)
    assert report["processingStatus"] == "FATAL"
    url = api.document(report["reportDocumentId"])["url"]
    assert json.loads(gzip.decompress(httpx.get(url).content)) == {
        "errorDetails": "Date range exceeded. Report can be requested only upto 30 days"}


@pytest.mark.parametrize("report_type,days,allowed", [
    ("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", 30, True),
    ("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", 31, False),
    ("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", 31, True),
    ("GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", 32, False),
    ("GET_FBA_REIMBURSEMENTS_DATA", 120, True),  # no documented maximum
    ("GET_MERCHANT_LISTINGS_ALL_DATA", 400, True),  # a snapshot: the window filters nothing
])
def test_documented_maximum_windows(report_type, days, allowed):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    refusal = layouts.layout(report_type).refusal(start, start + timedelta(days=days), start + timedelta(days=400))
    assert (refusal is None) == allowed
    if not allowed:
        assert refusal == f"Date range exceeded. Report can be requested only upto {days - 1} days"


def test_a_full_30_day_window_as_the_product_packs_it_is_done(api):
    report_id = api.create_report("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", start="2025-01-01T00:00:00Z",
                                  end="2025-01-30T23:59:59Z").json()["reportId"]
    assert api.wait_report(report_id)["processingStatus"] == "DONE"


WINDOWED = {  # report type → the column Amazon filters its window on (the notes' "Cursor")
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": "last-updated-date",
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": "purchase-date",
    "GET_LEDGER_DETAIL_VIEW_DATA": "Date",
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": "shipment-date",
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": "return-date",
    "GET_FBA_REIMBURSEMENTS_DATA": "approval-date",
}


@pytest.mark.parametrize("report_type", sorted(WINDOWED))
def test_each_window_column_is_the_one_its_rows_are_filtered_on(report_type):
    seller = SyntheticSeller(orders_per_day=40)
    start, end, now = datetime(2025, 1, 10, 6, tzinfo=UTC), datetime(2025, 1, 20, tzinfo=UTC), datetime(2025, 3, 1,
                                                                                                        tzinfo=UTC)
    found = layouts.layout(report_type)
    assert found.window_column == WINDOWED[report_type]
    values = [r[found.window_column] for r in found.truth(seller, US, start, end, now).rows]
    assert values
    if found.day_window:  # days whose midnight is in the window: the 11th to the 19th, each with events
        assert set(values) == {date(2025, 1, d) for d in range(11, 20)}
    else:
        assert all(start <= v < end for v in values)


def test_a_row_source_refuses_a_window_column_it_cannot_filter_on():
    orders = layouts.layout("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
    req = RowRequest(SyntheticSeller(), US, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC),
                     datetime(2025, 2, 1, tzinfo=UTC), on="ship_city")
    with pytest.raises(ValueError, match="purchase_date or last_updated_date, not 'ship_city'"):
        orders.rows(req)


def test_a_layout_names_its_columns_right():
    with pytest.raises(ValueError, match="dotted attribute path"):
        Quantity("quantity; import os")
    with pytest.raises(ValueError, match=r"key/window column\(s\) \['nope'\]"):
        FlatLayout("X", "-", (Col("a", Quantity("quantity")),), lambda req: [], key=("nope",))


def test_layouts_registered_later_are_served_and_a_type_has_one_layout():
    extra = FlatLayout("GET_SANDBOX_TEST_ONLY_DATA", "-", (Col("quantity", Quantity("quantity")),),
                       lambda req: [], key=("quantity",))
    try:
        layouts.register(extra)
        assert "GET_SANDBOX_TEST_ONLY_DATA" in layouts.SUPPORTED and "GET_SANDBOX_TEST_ONLY_DATA" in layouts.REQUESTABLE
        with pytest.raises(ValueError, match="already has a layout"):
            layouts.register(FlatLayout("GET_SANDBOX_TEST_ONLY_DATA", "-", extra.columns, extra.rows, key=()))
    finally:
        layouts.LAYOUTS.pop("GET_SANDBOX_TEST_ONLY_DATA", None)
    assert "GET_SANDBOX_TEST_ONLY_DATA" not in layouts.REQUESTABLE


# ---- the sandbox stands alone --------------------------------------------------------

def _imported_modules(path: Path, package: str) -> set[str]:
    """Every module ``path`` (a module of ``package``) imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):  # lazy imports inside functions count too
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[:len(parts) - node.level + 1] if node.level else []
            found.add(".".join([*base, *([node.module] if node.module else [])]))
    return found


def _package(path: Path) -> str:
    return ".".join(("pipelines", *path.relative_to(SANDBOX_DIR.parent).parent.parts))


def test_the_sandbox_imports_only_itself_and_the_neutral_spec():
    """Amazon's stand-in must not learn Amazon from the product (catalog, query compiler, client)."""
    files = sorted(SANDBOX_DIR.rglob("*.py"))
    assert len(files) > 20
    offending = {str(f.relative_to(SANDBOX_DIR)): sorted(
        m for m in _imported_modules(f, _package(f))
        if m.startswith("pipelines") and not m.startswith(("pipelines.sandbox", "pipelines.spec")))
        for f in files}
    assert {f: mods for f, mods in offending.items() if mods} == {}


def test_the_import_rule_test_catches_a_product_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from ..catalog import entry\nfrom . import seller\n"
                      "def f():\n    import pipelines.spapi.regions\n")
    assert _imported_modules(module, "pipelines.sandbox") == {"pipelines.catalog", "pipelines.sandbox",
                                                              "pipelines.spapi.regions"}
