"""Flat-file landing: typed raw tables, headers by name, drift, idempotent window replace."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from pipelines.catalog import cols, entry
from pipelines.warehouse import Lineage, MalformedReportError, Replace
from tests.warehouse.warehouse_fixtures import DE, US, day, lineage, write_tsv

ORDERS = entry("all_orders_by_order_date")
HEADER = [c.source for c in ORDERS.columns]


def order_row(order_id: str, purchased: str, qty: str = "1", price: str = "19.99", **over) -> list[str]:
    values = {c.source: "" for c in ORDERS.columns}
    values.update({"amazon-order-id": order_id, "purchase-date": purchased,
                   "last-updated-date": purchased, "order-status": "Shipped", "sku": "SKU-1",
                   "asin": "B000000001", "quantity": qty, "currency": "USD", "item-price": price,
                   "is-business-order": "false", "signature-confirmation-recommended": "true",
                   "ship-postal-code": "02108", "product-name": "Chef's \"Best\" Knife – Größe M"})
    values.update(over)
    return [values[h] for h in HEADER]


def window(mp=US, start=14, end=15):
    return Replace.window("purchase_date", day(start), day(end), mp)


def land_orders(wh, path, mp=US, start=14, end=15, row_numbers=True, **kw):
    return wh.land(ORDERS.table, path, ORDERS.columns, lineage=lineage(mp, start, end, **kw),
                   replace=window(mp, start, end), row_numbers=row_numbers)


def test_typed_columns_and_lineage(wh, tmp_path):
    f = write_tsv(tmp_path / "o.tsv", HEADER, [order_row("111-1", "2025-01-14T10:00:00+00:00", "2", "39.98"),
                                               order_row("111-2", "2025-01-14T11:30:00-08:00", price="")])
    res = land_orders(wh, f)
    assert res.rows == 2 and res.table == "raw_all_orders_by_order_date" and res.added_columns == []
    types = dict(res.columns)
    assert types["purchase_date"] == "TIMESTAMP WITH TIME ZONE"
    assert types["item_price"] == "DECIMAL(18,4)" and types["quantity"] == "BIGINT"
    assert types["is_business_order"] == "BOOLEAN" and types["ship_postal_code"] == "VARCHAR"
    assert types["_row_number"] == "BIGINT" and types["_snapshot_date"] == "DATE"
    rows = wh.preview(ORDERS.table, where="true ORDER BY _row_number")
    first, second = rows
    assert first["quantity"] == 2 and first["item_price"] == Decimal("39.98")
    assert first["purchase_date"] == datetime(2025, 1, 14, 10, tzinfo=timezone.utc)
    assert second["purchase_date"] == datetime(2025, 1, 14, 19, 30, tzinfo=timezone.utc)
    assert second["item_price"] is None and first["merchant_order_id"] is None  # '' -> NULL
    assert first["ship_postal_code"] == "02108" and first["product_name"] == "Chef's \"Best\" Knife – Größe M"
    assert first["signature_confirmation_recommended"] is True
    assert (first["_account"], first["_marketplace_id"], first["_report_id"], first["_source"]) == \
        ("acct-1", US, "R1", "sandbox")
    assert first["_window_start"] == day(14) and first["_window_end"] == day(15)
    assert [r["_row_number"] for r in rows] == [1, 2]


def test_header_by_name_reordered_extra_and_missing(wh, tmp_path):
    # Amazon reorders columns, drops some and adds one we do not know yet.
    header = ["quantity", "new-amazon-column", "purchase-date", "amazon-order-id", "item-price"]
    f = write_tsv(tmp_path / "o.tsv", header, [["3", "surprise", "2025-01-14T01:00:00+00:00", "111-9", "5.50"]],
                  newline="\r\n")
    res = land_orders(wh, f)
    assert res.added_columns == ["new_amazon_column"]
    row = wh.preview(ORDERS.table)[0]
    assert (row["quantity"], row["amazon_order_id"], row["item_price"]) == (3, "111-9", Decimal("5.5"))
    assert row["new_amazon_column"] == "surprise"
    assert row["sku"] is None and row["is_business_order"] is None  # missing columns are NULL


def test_new_column_on_later_land_keeps_earlier_rows(wh, tmp_path):
    land_orders(wh, write_tsv(tmp_path / "a.tsv", HEADER, [order_row("111-1", "2025-01-14T01:00:00+00:00")]))
    later = write_tsv(tmp_path / "b.tsv", HEADER + ["buyer-tax-id"],
                      [order_row("111-2", "2025-01-15T01:00:00+00:00") + ["DE123"]])
    res = land_orders(wh, later, start=15, end=16, report_id="R2")
    assert res.added_columns == ["buyer_tax_id"]
    assert ("buyer_tax_id", "VARCHAR") in res.columns
    rows = wh.query(f"SELECT amazon_order_id, buyer_tax_id FROM {ORDERS.table} ORDER BY 1")
    assert rows == [("111-1", None), ("111-2", "DE123")]
    # The column stays when a later file lacks it again.
    res = land_orders(wh, write_tsv(tmp_path / "c.tsv", HEADER, [order_row("111-3", "2025-01-16T01:00:00+00:00")]),
                      start=16, end=17)
    assert res.added_columns == [] and wh.row_count(ORDERS.table) == 3


def test_reland_same_window_is_idempotent(wh, tmp_path):
    f = write_tsv(tmp_path / "o.tsv", HEADER, [order_row(f"111-{i}", f"2025-01-14T0{i}:00:00+00:00")
                                               for i in range(5)])
    land_orders(wh, f)
    cols_sql = ", ".join(c.name for c in ORDERS.columns) + ", _row_number"
    before = wh.query(f"SELECT {cols_sql} FROM {ORDERS.table} ORDER BY _row_number")
    res = land_orders(wh, f)
    assert res.rows == 5
    assert wh.query(f"SELECT {cols_sql} FROM {ORDERS.table} ORDER BY _row_number") == before


def test_replace_touches_only_its_window_marketplace_and_account(wh, tmp_path):
    land_orders(wh, write_tsv(tmp_path / "us14.tsv", HEADER, [order_row("us-14", "2025-01-14T05:00:00+00:00")]))
    land_orders(wh, write_tsv(tmp_path / "us15.tsv", HEADER, [order_row("us-15", "2025-01-15T05:00:00+00:00")]),
                start=15, end=16)
    land_orders(wh, write_tsv(tmp_path / "de14.tsv", HEADER, [order_row("de-14", "2025-01-14T05:00:00+00:00")]),
                mp=DE)
    land_orders(wh, write_tsv(tmp_path / "other.tsv", HEADER, [order_row("acct2-14", "2025-01-14T05:00:00+00:00")]),
                account="acct-2")
    # The US day 14 is restated: one order changed, one appeared.
    land_orders(wh, write_tsv(tmp_path / "us14b.tsv", HEADER, [order_row("us-14", "2025-01-14T05:00:00+00:00", "2"),
                                                               order_row("us-14b", "2025-01-14T23:59:59+00:00")]))
    rows = wh.query(f"SELECT _account, _marketplace_id, amazon_order_id, quantity FROM {ORDERS.table} ORDER BY 1, 2, 3")
    assert rows == [("acct-1", DE, "de-14", 1), ("acct-1", US, "us-14", 2), ("acct-1", US, "us-14b", 1),
                    ("acct-1", US, "us-15", 1), ("acct-2", US, "acct2-14", 1)]


def test_replace_window_on_date_column_and_snapshot_and_report(wh, tmp_path):
    ledger = entry("ledger_detail_view")
    header = ["Date", "FNSKU", "MSKU", "Event Type", "Quantity", "Reconciled Quantity", "Shelf Note"]
    f = write_tsv(tmp_path / "l.tsv", header, [["01/14/2025", "X1", "SKU-1", "Shipments", "-2", "", "t1"],
                                               ["01/15/2025", "X1", "SKU-1", "CustomerReturns", "1", "1", "t2"]])
    rep = Replace.window("date", day(14), datetime(2025, 1, 15, 12, tzinfo=timezone.utc), US)
    res = wh.land(ledger.table, f, ledger.columns, lineage=lineage(), replace=rep)
    assert res.rows == 2 and res.added_columns == ["shelf_note"]
    assert wh.query(f"SELECT date, event_type, quantity, reconciled_quantity FROM {ledger.table} ORDER BY date") == [
        (date(2025, 1, 14), "Shipments", -2, None), (date(2025, 1, 15), "CustomerReturns", 1, 1)]
    # A window that ends mid-day covers that whole date, so re-landing replaces both dates.
    wh.land(ledger.table, f, ledger.columns, lineage=lineage(), replace=rep)
    assert wh.row_count(ledger.table) == 2

    listings = entry("merchant_listings_all")
    lf = write_tsv(tmp_path / "li.tsv", ["seller-sku", "price", "open-date"],
                   [["SKU-1", "5", "2021-08-15 20:35:17 PDT"], ["SKU-2", "19.99", "2021-12-01 08:00:00 PST"]])
    for d in (date(2025, 1, 14), date(2025, 1, 15), date(2025, 1, 15)):
        wh.land(listings.table, lf, listings.columns, lineage=lineage(snapshot_date=d),
                replace=Replace.snapshot(d, US))
    assert wh.query(f"SELECT _snapshot_date, count(*) FROM {listings.table} GROUP BY 1 ORDER BY 1") == [
        (date(2025, 1, 14), 2), (date(2025, 1, 15), 2)]
    assert wh.query(f"SELECT open_date FROM {listings.table} WHERE seller_sku = 'SKU-1' LIMIT 1") == [
        (datetime(2021, 8, 16, 3, 35, 17, tzinfo=timezone.utc),)]


def test_settlement_eu_decimals_utc_timestamps_and_report_replace(wh, tmp_path):
    st = entry("settlements_v2")
    header = [c.source for c in st.columns]

    def row(**v):
        return [v.get(h, "") for h in header]

    f = write_tsv(tmp_path / "s.tsv", header, [
        row(**{"settlement-id": "12345678901", "settlement-start-date": "2025-01-01 00:00:00 UTC",
               "settlement-end-date": "2025-01-15 00:00:00 UTC", "total-amount": "234,56", "currency": "EUR"}),
        row(**{"settlement-id": "12345678901", "transaction-type": "Order", "amount": "95,00",
               "posted-date-time": "2025-01-03 10:11:12 UTC"}),
        row(**{"settlement-id": "12345678901", "transaction-type": "Order", "amount": "95,00",
               "posted-date-time": "2025-01-03 10:11:12 UTC"}),  # duplicate lines occur
    ])
    lin = lineage(DE, report_id="S1")
    for _ in range(2):
        wh.land(st.table, f, st.columns, lineage=lin, replace=Replace.report("S1"), row_numbers=True)
    assert wh.query(f"SELECT _row_number, total_amount, amount, settlement_end_date, posted_date_time "
                    f"FROM {st.table} ORDER BY _row_number") == [
        (1, Decimal("234.56"), None, datetime(2025, 1, 15, tzinfo=timezone.utc), None),
        (2, None, Decimal("95.00"), None, datetime(2025, 1, 3, 10, 11, 12, tzinfo=timezone.utc)),
        (3, None, Decimal("95.00"), None, datetime(2025, 1, 3, 10, 11, 12, tzinfo=timezone.utc)),
    ]


def test_bad_value_names_column_value_line_and_leaves_table_unchanged(wh, tmp_path):
    land_orders(wh, write_tsv(tmp_path / "ok.tsv", HEADER, [order_row("111-1", "2025-01-14T01:00:00+00:00")]))
    before = wh.query(f"SELECT * FROM {ORDERS.table}")
    bad = write_tsv(tmp_path / "bad.tsv", HEADER + ["brand-new"],
                    [order_row("111-2", "2025-01-14T02:00:00+00:00") + ["x"],
                     order_row("111-3", "2025-01-14T03:00:00+00:00", qty="abc") + ["y"]])
    with pytest.raises(MalformedReportError) as info:
        land_orders(wh, bad)
    err = info.value
    assert (err.table, err.column, err.value, err.line) == (ORDERS.table, "quantity", "abc", 3)
    assert "quantity" in str(err) and "'abc'" in str(err) and "line 3" in str(err)
    # Delete, new column and insert were all rolled back.
    assert wh.query(f"SELECT * FROM {ORDERS.table}") == before
    assert "brand_new" not in dict(wh.columns(ORDERS.table))


@pytest.mark.parametrize("extra", [["one-too-many"], None])
def test_wrong_field_count_is_malformed(wh, tmp_path, extra):
    good = order_row("111-1", "2025-01-14T01:00:00+00:00")
    broken = good + extra if extra else good[:-3]
    f = write_tsv(tmp_path / "bad.tsv", HEADER, [good, good, broken])
    with pytest.raises(MalformedReportError) as info:
        land_orders(wh, f)
    assert info.value.line == 4 and "line 4" in str(info.value)
    assert not wh.exists(ORDERS.table)


def test_empty_document_and_land_empty_clear_the_window(wh, tmp_path):
    land_orders(wh, write_tsv(tmp_path / "a.tsv", HEADER, [order_row("111-1", "2025-01-14T01:00:00+00:00"),
                                                           order_row("111-2", "2025-01-15T01:00:00+00:00")]),
                end=16)
    res = wh.land_empty(ORDERS.table, ORDERS.columns, lineage=lineage(), replace=window())
    assert res.rows == 0
    assert wh.query(f"SELECT amazon_order_id FROM {ORDERS.table}") == [("111-2",)]
    header_only = write_tsv(tmp_path / "h.tsv", HEADER, [])
    assert land_orders(wh, header_only, start=15, end=16).rows == 0
    assert wh.row_count(ORDERS.table) == 0
    # land_empty on a table that does not exist yet creates it, typed.
    res = wh.land_empty("raw_new", cols("a:int b:date"), lineage=lineage(), replace=Replace.report("R1"))
    assert dict(res.columns)["a"] == "BIGINT" and wh.exists("raw_new")


def test_rejects_bad_arguments(wh, tmp_path):
    f = write_tsv(tmp_path / "o.tsv", HEADER, [order_row("111-1", "2025-01-14T01:00:00+00:00")])
    with pytest.raises(ValueError, match="snake_case"):
        wh.land("Raw Orders", f, ORDERS.columns, lineage=lineage(), replace=window())
    with pytest.raises(ValueError, match="marketplace"):
        wh.land(ORDERS.table, f, ORDERS.columns, lineage=lineage(DE), replace=window(US))
    with pytest.raises(ValueError, match="DATE or TIMESTAMPTZ"):
        wh.land(ORDERS.table, f, ORDERS.columns, lineage=lineage(),
                replace=Replace.window("sku", day(14), day(15), US))
    with pytest.raises(ValueError, match="source"):
        Lineage("acct-1", US, "R1", None, None, "prod")
    with pytest.raises(FileNotFoundError):
        wh.land(ORDERS.table, tmp_path / "missing.tsv", ORDERS.columns, lineage=lineage(), replace=window())
    assert not wh.exists(ORDERS.table)


def test_row_numbers_are_only_filled_when_asked(wh, tmp_path):
    f = write_tsv(tmp_path / "o.tsv", HEADER, [order_row("111-1", "2025-01-14T10:00:00+00:00", "2", "39.98")])
    land_orders(wh, f, row_numbers=False)
    assert wh.query(f"SELECT _row_number FROM {ORDERS.table}") == [(None,)]


def test_rows_outside_their_window_are_kept_once_on_every_rerun(wh, tmp_path):
    """Amazon returns rows just past the window (local-time days): kept, never duplicated."""
    f = write_tsv(tmp_path / "o.tsv", HEADER, [order_row("111-1", "2025-01-14T10:00:00+00:00", "1", "9.99"),
                                               order_row("111-2", "2025-01-15T03:00:00+00:00", "1", "9.99")])
    for _ in range(3):
        land_orders(wh, f)  # window 2025-01-14 .. 2025-01-15
    assert wh.query(f"SELECT amazon_order_id, count(*) FROM {ORDERS.table} GROUP BY ALL ORDER BY 1") == \
        [("111-1", 1), ("111-2", 1)]
    g = write_tsv(tmp_path / "p.tsv", HEADER, [order_row("111-2", "2025-01-15T03:00:00+00:00", "2", "19.98")])
    land_orders(wh, g, start=15, end=16)  # the row's own window replaces it
    assert wh.query(f"SELECT amazon_order_id, quantity FROM {ORDERS.table} ORDER BY 1") == [("111-1", 1), ("111-2", 2)]
