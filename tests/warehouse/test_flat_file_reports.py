"""The new flat-file reports land typed through their catalog entries.

Each document is written here with the header exactly as the research notes
(shared/sp-api/flat-file-columns*.md) quote it, so a catalog entry that
misspells a header, mistypes a column or misses a drifted one fails here,
independently of the sandbox. Values are the notes' own examples.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.catalog import entry
from pipelines.sync import dialect
from pipelines.warehouse import Lineage, Replace, Warehouse
from tests.warehouse.warehouse_fixtures import DE, US

UTC = timezone.utc
BOM = "\ufeff"


def land(wh: Warehouse, tmp_path: Path, report: str, lines: list[list[str]], *, marketplace: str = US,
         report_id: str = "R1", delimiter: str = "\t", preamble: list[str] = (), encoding: str = "utf-8",
         bom: bool = False) -> list[dict]:
    """Land one document of ``report`` (header + rows) and return the landed rows of that report id."""
    e = entry(report)
    text = "\n".join([*preamble, *(delimiter.join(line) for line in lines)]) + "\n"
    path = tmp_path / f"{e.name}-{report_id}.txt"
    path.write_bytes(((BOM if bom else "") + text).encode(encoding))
    lineage = Lineage(account="acct", marketplace_id=marketplace, report_id=report_id, window_start=None,
                      window_end=None, source="sandbox", snapshot_date=date(2026, 11, 24))
    landed = wh.land(e.table, path, e.columns, fmt=e.format, lineage=lineage, replace=Replace.report(report_id),
                     row_numbers=e.row_numbers, dialect=dialect(e))
    assert landed.added_columns == [], f"undeclared columns: {landed.added_columns}"
    return wh.preview(e.table, limit=100, where="_report_id = ?", params=[report_id])


def types(wh: Warehouse, report: str) -> dict[str, str]:
    return dict(wh.columns(entry(report).table))


MFN_RETURNS_HEADER = [
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID", "Merchant RMA ID",
    "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID", "Label to be paid by",
    "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name", "Return quantity", "Return Reason",
    "In policy", "Return type", "Resolution", "Invoice number", "Return delivery date", "Order Amount",
    "Order quantity", "SafeT Action reason", "SafeT claim id", "SafeT claim state", "SafeT claim creation time",
    "SafeT claim reimbursement amount", "Refunded Amount", "Order Item ID",
]


def test_mfn_returns_real_2026_header_with_bom(wh, tmp_path):
    row = ["113-8871452-8288246", "15-Jun-2026", "02-Jul-2026", "Approved", "DHz4DwlHRRMA", "", "AmazonPrePaidLabel",
           "7.50", "USD", "UPS", "1Z999", "Customer", "N", "Y", "B00TEST001", "SKU-1", "Mug", "1",
           "CR-DEFECTIVE", "Y", "C-Returns", "StandardRefund", "", "09-Jul-2026", "19.99", "2", "", "", "", "",
           "", "19.99", "12345678901234"]
    [got] = land(wh, tmp_path, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", [MFN_RETURNS_HEADER, row], bom=True)
    assert (got["order_id"], got["order_date"], got["return_request_date"]) == \
        ("113-8871452-8288246", date(2026, 6, 15), date(2026, 7, 2))
    assert (got["label_cost"], got["a_to_z_claim"], got["is_prime"], got["in_policy"]) == \
        (Decimal("7.5"), False, True, True)
    assert (got["return_quantity"], got["order_quantity"], got["order_amount"], got["refunded_amount"]) == \
        (1, 2, Decimal("19.99"), Decimal("19.99"))
    assert (got["return_delivery_date"], got["safe_t_claim_creation_time"], got["order_item_id"]) == \
        (date(2026, 7, 9), None, "12345678901234")
    assert got["category"] is None and got["vat"] is None  # the UK-only columns
    assert types(wh, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE")["return_request_date"] == "DATE"


def test_mfn_returns_documented_32_column_header_lands_without_order_item_id(wh, tmp_path):
    row = ["111-0000000-0000001", "1-Jan-2026", "3-Jan-2026", "Completed", "R1RMA", "", "AmazonUnPaidLabel", "",
           "USD", "", "", "Customer", "N", "N", "B0", "SKU-2", "Pen", "3", "CR-ORDERED_WRONG_ITEM", "N",
           "C-Returns", "RefundAtFirstScan", "", "", "4.50", "3", "", "", "", "", "", "4.50"]
    [got] = land(wh, tmp_path, "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", [MFN_RETURNS_HEADER[:32], row])
    assert (got["order_date"], got["return_request_date"], got["return_quantity"], got["order_item_id"]) == \
        (date(2026, 1, 1), date(2026, 1, 3), 3, None)


FEE_PREVIEW_NA = [
    "sku", "fnsku", "asin", "amazon-store", "product-name", "product-group", "brand", "fulfilled-by", "your-price",
    "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth", "unit-of-dimension",
    "item-package-weight", "unit-of-weight", "product-size-tier", "currency", "estimated-fee-total",
    "estimated-referral-fee-per-unit", "estimated-variable-closing-fee", "estimated-order-handling-fee-per-order",
    "estimated-pick-pack-fee-per-unit", "estimated-weight-handling-fee-per-unit",
    "expected-fulfillment-fee-per-unit",
    "estimated-future-fee (Current Selling on Amazon + Future Fulfillment fees)",
    "estimated-future-order-handling-fee-per-order", "estimated-future-pick-pack-fee-per-unit",
    "estimated-future-weight-handling-fee-per-unit", "expected-future-fulfillment-fee-per-unit",
]
FEE_PREVIEW_EU = [
    "sku", "fnsku", "asin", "product-name", "product-group", "brand", "fulfilled-by", "has-local-inventory",
    "your-price", "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth",
    "unit-of-dimension", "item-package-weight", "unit-of-weight", "product-size-weight-band", "currency",
    "estimated-fee-total", "estimated-referral-fee-per-unit", "estimated-variable-closing-fee",
    "expected-domestic-fulfilment-fee-per-unit", "expected-efn-fulfilment-fee-per-unit-uk",
    "expected-efn-fulfilment-fee-per-unit-de", "expected-efn-fulfilment-fee-per-unit-fr",
    "expected-efn-fulfilment-fee-per-unit-it", "expected-efn-fulfilment-fee-per-unit-es",
    "expected-efn-fulfilment-fee-per-unit-se",
]


def test_fee_preview_na_and_eu_headers_land_in_one_table_with_dashes_as_null(wh, tmp_path):
    us_rows = [
        ["SKU-1", "X001", "B001", "US", "Suitcase", "Luggage", "Acme", "Amazon", "51.54", "", "22.0", "14.0", "9.0",
         "68.0", "inches", "9.5", "pounds", "UsLargeStandardSize", "USD", "17.89", "7.73", "0.00", "--", "--", "--",
         "10.16", "--", "--", "--", "--", "--"],
        ["SKU-1", "X001", "B001", "CA", "Suitcase", "Luggage", "Acme", "Amazon", "69.99", "", "55.9", "35.6",
         "22.9", "172.7", "centimeters", "4300", "grams", "Standard", "CAD", "14.55", "10.50", "0.00", "--", "--",
         "--", "4.05", "--", "--", "--", "--", "--"],
    ]
    got = land(wh, tmp_path, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", [FEE_PREVIEW_NA, *us_rows], encoding="cp1252")
    by_store = {r["amazon_store"]: r for r in got}
    assert (by_store["US"]["your_price"], by_store["US"]["expected_fulfillment_fee_per_unit"],
            by_store["US"]["estimated_order_handling_fee_per_order"], by_store["US"]["estimated_future_fee"]) == \
        (Decimal("51.54"), Decimal("10.16"), None, None)
    assert (by_store["CA"]["currency"], by_store["CA"]["item_package_weight"], by_store["CA"]["unit_of_weight"]) == \
        ("CAD", Decimal("4300"), "grams")

    de_row = ["SKU-9", "X009", "B009", "Lampe", "Home", "Acme", "Amazon", "Yes", "29.90", "", "30", "20", "10",
              "90", "centimeters", "800", "grams", "Standard", "EUR", "7.98", "4.49", "0.00", "3.49", "5.21",
              "3.49", "5.54", "5.10", "4.90", "--"]
    [de] = land(wh, tmp_path, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", [FEE_PREVIEW_EU, de_row], marketplace=DE,
                report_id="R2")
    assert (de["has_local_inventory"], de["expected_domestic_fulfilment_fee_per_unit"],
            de["expected_efn_fulfilment_fee_per_unit_uk"], de["expected_efn_fulfilment_fee_per_unit_se"],
            de["amazon_store"]) == ("Yes", Decimal("3.49"), Decimal("5.21"), None, None)


STRANDED_HEADER = [
    "primary-action", "date-stranded", "Date-to-take-auto-removal", "status-primary", "status-secondary",
    "error-message", "stranded-reason", "asin", "sku", "fnsku", "product-name", "condition", "fulfilled-by",
    "fulfillable-qty", "your-price", "unfulfillable-qty", "reserved-quantity", "inbound-shipped-qty", "program",
]


def test_stranded_inventory_with_the_2026_program_column(wh, tmp_path):
    row = ["Relist", "2026-08-01T10:00:00+00:00", "2026-09-30T07:00:00Z", "Stranded", "No offer", "",
           "Listing closed", "B002", "SKU-2", "X002", "Lamp", "New", "Amazon", "4", "24.99", "1", "0", "2", "FBA"]
    [got] = land(wh, tmp_path, "GET_STRANDED_INVENTORY_UI_DATA", [STRANDED_HEADER, row])
    assert (got["date_stranded"], got["date_to_take_auto_removal"]) == \
        (datetime(2026, 8, 1, 10, tzinfo=UTC), datetime(2026, 9, 30, 7, tzinfo=UTC))
    assert (got["fulfillable_qty"], got["your_price"], got["unfulfillable_qty"], got["inbound_shipped_qty"],
            got["program"]) == (4, Decimal("24.99"), 1, 2, "FBA")
    # the documented 18-column header lands too
    [old] = land(wh, tmp_path, "GET_STRANDED_INVENTORY_UI_DATA", [STRANDED_HEADER[:18], row[:18]], report_id="R2")
    assert (old["sku"], old["program"]) == ("SKU-2", None)


DATE_RANGE_PREAMBLE = [
    '"Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions"',
    '"All amounts in USD, unless specified"',
    '"Definitions:"',
    '"Sales tax collected: Includes sales tax collected from buyers for product sales, shipping, and gift wrap."',
    '"Selling fees: Includes variable closing fees and referral fees."',
    '"Other transaction fees: Includes shipping chargebacks, shipping holdbacks, per-item fees and sales tax '
    'collection fees."',
    '"Other: Includes non-order transaction amounts. For more details, see the ""Type"" and ""Description"" '
    'columns for each order ID."',
]
DATE_RANGE_US = [
    "date/time", "settlement id", "type", "order id", "sku", "description", "quantity", "marketplace",
    "account type", "fulfillment", "order city", "order state", "order postal", "tax collection model",
    "product sales", "product sales tax", "shipping credits", "shipping credits tax", "gift wrap credits",
    "giftwrap credits tax", "Regulatory Fee", "Tax On Regulatory Fee", "promotional rebates",
    "promotional rebates tax", "marketplace withheld tax", "selling fees", "fba fees", "other transaction fees",
    "other", "total", "transaction status", "transaction release date",
]


def quoted(fields: list[str]) -> list[str]:
    return ['"' + f.replace('"', '""') + '"' for f in fields]


def test_date_range_csv_skips_its_preamble_and_reads_quoted_fields(wh, tmp_path):
    rows = [
        ["Jun 26, 2023 11:53:30 PM PDT", "17012345678", "Order", "113-8871452-8288246", "SKU-1",
         'Mug "Classic", 12oz', "2", "amazon.com", "Standard Orders", "Amazon", "AUSTIN", "TX", "78701",
         "MarketplaceFacilitator", "39.98", "3.30", "0", "0", "0", "0", "0", "0", "0", "0", "-3.30", "-6.00",
         "-7.90", "0", "0", "26.08", "Released", "Jul 10, 2023 11:53:30 PM PDT"],
        ["Jun 27, 2023 1:03:30 AM PDT", "17012345678", "Service Fee", "", "", "Cost of Advertising", "",
         "amazon.com", "Standard Orders", "", "", "", "", "", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
         "0", "0", "0", "-12.50", "0", "-12.50", "", ""],
    ]
    got = land(wh, tmp_path, "GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA",
               [quoted(DATE_RANGE_US), *(quoted(r) for r in rows)], delimiter=",", preamble=DATE_RANGE_PREAMBLE,
               bom=True)
    got.sort(key=lambda r: r["_row_number"])
    assert [r["_row_number"] for r in got] == [1, 2]
    order, fee = got
    assert (order["date_time"], order["settlement_id"], order["description"], order["quantity"]) == \
        (datetime(2023, 6, 27, 6, 53, 30, tzinfo=UTC), "17012345678", 'Mug "Classic", 12oz', 2)
    assert (order["product_sales"], order["selling_fees"], order["total"], order["transaction_release_date"]) == \
        (Decimal("39.98"), Decimal("-6.00"), Decimal("26.08"), datetime(2023, 7, 11, 6, 53, 30, tzinfo=UTC))
    assert (fee["date_time"], fee["type"], fee["quantity"], fee["other_transaction_fees"]) == \
        (datetime(2023, 6, 27, 8, 3, 30, tzinfo=UTC), "Service Fee", None, Decimal("-12.50"))


DATE_RANGE_DE = [
    "Datum/Uhrzeit", "Abrechnungsnummer", "Typ", "Bestellnummer", "SKU", "Beschreibung", "Menge", "Marketplace",
    "Versand", "Ort der Bestellung", "Bundesland", "Postleitzahl", "Steuererhebungsmodell", "Umsätze",
    "Produktumsatzsteuer", "Gutschrift für Versandkosten", "Steuer auf Versandgutschrift",
    "Gutschrift für Geschenkverpackung", "Steuer auf Geschenkverpackungsgutschriften", "Rabatte aus Werbeaktionen",
    "Steuer auf Aktionsrabatte", "Einbehaltene Steuer auf Marketplace", "Verkaufsgebühren",
    "Gebühren zu Versand durch Amazon", "Andere Transaktionsgebühren", "Andere", "Gesamt",
]


def test_date_range_german_headers_land_in_the_same_columns(wh, tmp_path):
    row = ["17.11.2023 10:50:20 UTC", "2233445566", "Bestellung", "302-1234567-1234567", "SKU-1", "Tasse", "2",
           "amazon.de", "Amazon", "Berlin", "Berlin", "10115", "MarketplaceFacilitator", "33,60", "6,38", "0", "0",
           "0", "0", "0", "0", "0", "-5,04", "-3,22", "0", "0", "31,72"]
    [got] = land(wh, tmp_path, "GET_DATE_RANGE_FINANCIAL_TRANSACTION_DATA", [quoted(DATE_RANGE_DE), quoted(row)],
                 delimiter=",", preamble=DATE_RANGE_PREAMBLE, marketplace=DE, encoding="cp1252")
    assert (got["date_time"], got["settlement_id"], got["type"], got["order_id"], got["sku"], got["quantity"]) == \
        (datetime(2023, 11, 17, 10, 50, 20, tzinfo=UTC), "2233445566", "Bestellung", "302-1234567-1234567", "SKU-1", 2)
    assert (got["product_sales"], got["product_sales_tax"], got["selling_fees"], got["fba_fees"], got["total"],
            got["order_city"], got["account_type"]) == \
        (Decimal("33.60"), Decimal("6.38"), Decimal("-5.04"), Decimal("-3.22"), Decimal("31.72"), "Berlin", None)


def test_ledger_summary_quoted_production_header_monthly_and_daily_dates(wh, tmp_path):
    header = ["Date", "FNSKU", "ASIN", "MSKU", "Title", "Disposition", "Starting Warehouse Balance",
              "In Transit Between Warehouses", "Receipts", "Customer Shipments", "Customer Returns", "Vendor Returns",
              "Warehouse Transfer In/Out", "Found", "Lost", "Damaged", "Disposed", "Other Events",
              "Ending Warehouse Balance", "Unknown Events", "Location"]
    rows = [["10/2026", "X001", "B001", "SKU-1", 'Mug 12" tall', "SELLABLE", "40", "0", "12", "-9", "1", "0",
             "-2", "0", "-1", "0", "0", "0", "41", "0", "US"],
            ["11/03/2026", "X001", "B001", "SKU-1", "Mug", "SELLABLE", "41", "0", "0", "-1", "0", "0", "0", "0",
             "0", "0", "0", "0", "40", "0", "US"]]
    got = land(wh, tmp_path, "GET_LEDGER_SUMMARY_VIEW_DATA", [quoted(header), *(quoted(r) for r in rows)])
    by_date = {r["date"]: r for r in got}
    month = by_date[date(2026, 10, 1)]
    assert (month["title"], month["starting_warehouse_balance"], month["customer_shipments"],
            month["warehouse_transfer_in_out"], month["ending_warehouse_balance"], month["location"]) == \
        ('Mug 12" tall', 40, -9, -2, 41, "US")
    assert by_date[date(2026, 11, 3)]["customer_shipments"] == -1


def test_ledger_detail_16_column_2026_header(wh, tmp_path):
    header = ["Date", "FNSKU", "ASIN", "MSKU", "Title", "Event Type", "Reference ID", "Quantity",
              "Fulfillment Center", "Disposition", "Reason", "Country", "Reconciled Quantity",
              "Unreconciled Quantity", "Date and Time", "Store"]
    row = ["05/13/2026", "X001", "B001", "SKU-1", "Mug", "Shipments", "12345678901234", "-1", "PHX7",
           "SELLABLE", "", "US", "", "", "2026-05-13T00:00:00-0700", ""]
    [got] = land(wh, tmp_path, "GET_LEDGER_DETAIL_VIEW_DATA", [quoted(header), quoted(row)], bom=True)
    assert (got["date"], got["event_type"], got["quantity"], got["date_and_time"], got["store"]) == \
        (date(2026, 5, 13), "Shipments", -1, datetime(2026, 5, 13, 7, tzinfo=UTC), None)


def test_seller_feedback_dates_follow_the_marketplace_and_the_email_is_hashed(wh, tmp_path):
    header = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]
    [us] = land(wh, tmp_path, "GET_SELLER_FEEDBACK_DATA",
                [header, ["10/20/23", "2", "Late", "", "113-8871452-8288246", "buyer@example.com"]])
    [de] = land(wh, tmp_path, "GET_SELLER_FEEDBACK_DATA",
                [header[:3] + ["Response"] + header[4:],
                 ["1.2.24", "1", "Kaputt", "Sorry", "302-1234567-1234567", "kaeufer@example.de"]],
                marketplace=DE, report_id="R2")
    assert (us["date"], us["rating"], de["date"], de["your_response"]) == \
        (date(2023, 10, 20), 2, date(2024, 2, 1), "Sorry")
    assert us["rater_email_sha256"] == hashlib.sha256(b"buyer@example.com").hexdigest()
    assert "rater_email" not in types(wh, "GET_SELLER_FEEDBACK_DATA")


def test_restock_caps_and_placeholders(wh, tmp_path):
    header = ["Country", "Product Name", "FNSKU", "Merchant SKU", "ASIN", "Condition", "Supplier",
              "Supplier part no.", "Currency code", "Price", "Sales last 30 days", "Units Sold Last 30 Days",
              "Total Units", "Inbound", "Available", "FC transfer", "FC Processing", "Customer Order",
              "Unfulfillable", "Working", "Shipped", "Receiving", "Fulfilled by",
              "Total Days of Supply (including units from open shipments)",
              "Days of Supply at Amazon Fulfillment Network", "Alert", "Recommended replenishment qty",
              "Recommended ship date", "Recommended action", "Unit storage size"]
    row = ["US", "Mug", "X001", "SKU-1", "B001", "New", "unassigned", "", "USD", "15.00", "0.0", "0", "7", "0",
           "7", "0", "0", "0", "0", "0", "0", "0", "Amazon", "365+", "365+", "", "0", "none",
           "No action required", "0.1736 ft3"]
    [got] = land(wh, tmp_path, "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", [header, row], encoding="cp1252")
    assert (got["total_days_of_supply"], got["days_of_supply_at_amazon_fulfillment_network"], got["price"],
            got["total_units"], got["recommended_ship_date"], got["unit_storage_size"]) == \
        (365, 365, Decimal("15.00"), 7, None, "0.1736 ft3")
    dated = row[:23] + ["12", "9", "low_stock", "24", "11/25/2026"] + row[28:]
    [soon] = land(wh, tmp_path, "GET_RESTOCK_INVENTORY_RECOMMENDATIONS_REPORT", [header, dated], report_id="R2")
    assert (soon["total_days_of_supply"], soon["alert"], soon["recommended_replenishment_qty"],
            soon["recommended_ship_date"]) == (12, "low_stock", 24, date(2026, 11, 25))


def test_suppressed_listings_written_dates_and_quotes_in_text(wh, tmp_path):
    header = ["Status", "Reason", "SKU", "ASIN", "Product name", "Condition", "Status Change Date",
              "Issue Description"]
    row = ["Search Suppressed", "Missing info", "SKU-1", "B001", "Mug", "11", "Jul 29, 2022",
           "'[brand]' is required but not supplied."]
    [got] = land(wh, tmp_path, "GET_MERCHANTS_LISTINGS_FYP_REPORT", [header, row], bom=True)
    assert (got["status"], got["status_change_date"], got["issue_description"]) == \
        ("Search Suppressed", date(2022, 7, 29), "'[brand]' is required but not supplied.")


def test_myi_24_column_production_header_and_all_orders_with_order_item_id(wh, tmp_path):
    myi = ["sku", "fnsku", "asin", "product-name", "condition", "your-price", "mfn-listing-exists",
           "mfn-fulfillable-quantity", "afn-listing-exists", "afn-warehouse-quantity", "afn-fulfillable-quantity",
           "afn-unsellable-quantity", "afn-reserved-quantity", "afn-total-quantity", "per-unit-volume",
           "afn-inbound-working-quantity", "afn-inbound-shipped-quantity", "afn-inbound-receiving-quantity",
           "afn-researching-quantity", "afn-reserved-future-supply", "afn-future-supply-buyable",
           "afn-fc-transfer-quantity", "afn-onhand-buyable-quantity", "store"]
    row = ["SKU-1", "X001", "B001", "Mug", "New", "15.00", "No", "", "Yes", "9", "7", "1", "1", "9", "0.05",
           "0", "0", "0", "0", "0", "0", "2", "7", "US"]
    for report in ("GET_FBA_MYI_ALL_INVENTORY_DATA", "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA"):
        [got] = land(wh, tmp_path, report, [myi, row])
        assert (got["afn_fulfillable_quantity"], got["afn_fc_transfer_quantity"], got["afn_onhand_buyable_quantity"],
                got["store"], got["afn_listing_exists"]) == (7, 2, 7, "US", True)

    orders = [c.source for c in entry("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL").columns]
    assert orders[-2:] == ["signature-confirmation-recommended", "order-item-id"]
    line = ["113-8871452-8288246", "", "2026-08-01T10:00:00+00:00", "2026-08-02T10:00:00+00:00", "Shipped",
            "Amazon", "Amazon.com", "", "Standard", "Mug", "SKU-1", "B001", "Shipped", "1", "USD", "15.00", "1.24",
            "0.00", "0.00", "", "", "0.00", "0.00", "AUSTIN", "TX", "78701", "US", "", "", "false", "", "", "false",
            "61234567890123"]
    [got] = land(wh, tmp_path, "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", [orders, line])
    assert (got["order_item_id"], got["item_price"], got["quantity"]) == ("61234567890123", Decimal("15.00"), 1)


def test_afn_inventory_mixed_case_headers(wh, tmp_path):
    header = ["seller-sku", "fulfillment-channel-sku", "asin", "condition-type", "Warehouse-Condition-code",
              "Quantity Available"]
    got = land(wh, tmp_path, "GET_AFN_INVENTORY_DATA",
               [header, ["SKU-1", "X001", "B001", "NewItem", "SELLABLE", "7"],
                ["SKU-1", "X001", "B001", "NewItem", "UNSELLABLE", "1"]])
    assert sorted((r["warehouse_condition_code"], r["quantity_available"]) for r in got) == \
        [("SELLABLE", 7), ("UNSELLABLE", 1)]
    # Some files end every line with a tab (header included): it is no column.
    [trailing] = land(wh, tmp_path, "GET_AFN_INVENTORY_DATA", [header + [""], ["SKU-2", "X002", "B002", "NewItem",
                                                                              "SELLABLE", "3", ""]], report_id="R2")
    assert (trailing["seller_sku"], trailing["quantity_available"]) == ("SKU-2", 3)


@pytest.mark.parametrize("report,header,row,expected", [
    ("GET_FBA_STORAGE_FEE_CHARGES_DATA",
     ["asin", "fnsku", "product_name", "fulfillment_center", "country_code", "item_volume", "month_of_charge",
      "storage_rate", "currency", "estimated_monthly_storage_fee"],
     ["B001", "X001", "Mug", "PHX7", "US", "0.000192", "2026-10", "0.78", "USD", "0.0351"],
     {"item_volume": Decimal("0.000192"), "month_of_charge": date(2026, 10, 1), "storage_rate": Decimal("0.78"),
      "estimated_monthly_storage_fee": Decimal("0.0351")}),
    ("GET_FBA_STORAGE_FEE_CHARGES_DATA",  # the hyphenated production spelling
     ["asin", "fnsku", "average-quantity-on-hand", "month-of-charge", "country-code"],
     ["B001", "X001", "3.5", "2026-09", "US"],
     {"average_quantity_on_hand": Decimal("3.5"), "month_of_charge": date(2026, 9, 1), "country_code": "US"}),
    ("GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA",
     ["snapshot-date", "sku", "fnsku", "asin", "product-name", "condition", "per-unit-volume", "currency",
      "volume-unit", "country", "qty-charged", "amount-charged", "surcharge-age-tier", "rate-surcharge"],
     ["2023-06-15T09:03:00+00:00", "SKU-1", "X001", "B001", "Mug", "New", "0.0131", "USD", "cubic_feet", "US",
      "3", "0.27", "181-270", "0.50"],
     {"snapshot_date": datetime(2023, 6, 15, 9, 3, tzinfo=UTC), "qty_charged": 3, "amount_charged": Decimal("0.27"),
      "per_unit_volume": Decimal("0.0131")}),
    ("GET_FBA_FULFILLMENT_REMOVAL_ORDER_DETAIL_DATA",
     ["request-date", "order-id", "order-source", "order-type", "order-status", "last-updated-date", "sku",
      "fnsku", "disposition", "requested-quantity", "cancelled-quantity", "disposed-quantity", "shipped-quantity",
      "in-process-quantity", "removal-fee", "currency"],
     ["2023-07-18T22:54:07+00:00", "R0001", "Seller", "Return", "Completed", "2023-07-25T10:00:00+00:00", "SKU-1",
      "X001", "Sellable", "5", "0", "0", "5", "0", "2.60", "USD"],
     {"request_date": datetime(2023, 7, 18, 22, 54, 7, tzinfo=UTC), "shipped_quantity": 5,
      "removal_fee": Decimal("2.60"), "service_speed": None, "order_source": "Seller"}),
    ("GET_FBA_FULFILLMENT_CUSTOMER_SHIPMENT_REPLACEMENT_DATA",
     ["shipment-date", "sku", "asin", "fulfillment-center-id", "original-fulfillment-center-id", "quantity",
      "replacement-reason-code", "replacement-amazon-order-id", "original-amazon-order-id"],
     ["2026-08-03T08:00:00+00:00", "SKU-1", "B001", "PHX7", "ONT8", "1", "DAMAGED", "113-1", "113-0"],
     {"shipment_date": datetime(2026, 8, 3, 8, tzinfo=UTC), "quantity": 1}),
    ("GET_RESERVED_INVENTORY_DATA",  # the August 2026 header
     ["sku", "fnsku", "asin", "product-name", "reserved_qty", "reserved_customerorders", "reserved_fc-processing",
      "reserved_staging", "program"],
     ["SKU-1", "X001", "B001", "Mug", "3", "1", "1", "1", "FBA"],
     {"reserved_qty": 3, "reserved_staging": 1, "reserved_fc_transfers": None, "program": "FBA"}),
    ("GET_FLAT_FILE_OPEN_LISTINGS_DATA",
     ["sku", "asin", "price", "quantity", "Business Price", "Quantity Price Type", "Quantity Lower Bound 1",
      "Quantity Price 1"],
     ["SKU-1", "B001", "5.00", "", "6.0", "fixed", "10", "4.50"],
     {"price": Decimal("5.00"), "quantity": None, "business_price": Decimal("6.0"), "quantity_lower_bound_1": 10,
      "quantity_price_1": Decimal("4.50")}),
])
def test_more_reports_land_typed(wh, tmp_path, report, header, row, expected):
    [got] = land(wh, tmp_path, report, [header, row])
    assert {k: got[k] for k in expected} == expected
