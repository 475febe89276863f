"""Flat-file (TSV) report rows, rendered from the synthetic seller.

Each renderer yields rows (lists of strings) in the column order of the report's
catalog entry (``pipelines.catalog``), whose headers follow
``shared/sp-api/flat-file-columns.md``.

Window semantics (the sandbox's definition of ``dataStartTime``/``dataEndTime``):
a windowed report holds exactly the rows whose *cursor* (the catalog entry's
``cursor`` column) lies in ``[dataStartTime, dataEndTime]``, both inclusive to
the second, as Amazon reads them. ``render.render_report`` turns that into the
half-open ``[start, end + 1s)`` the functions here take. For day-valued cursors (ledger ``Date``, Sales and Traffic
``date``) a day is in the window when its midnight UTC is. Snapshot reports
(listings, MYI inventory) ignore the window and describe the seller "now".
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterator

from pipelines.catalog import entry
from pipelines.sandbox.formats import flag, iso, mdy, money, pacific_text
from pipelines.sandbox.seller import SyntheticSeller

UTC = timezone.utc
Rows = Iterator[list[str]]


def window_days(start: datetime, end: datetime) -> list[date]:
    """Days whose midnight UTC lies in ``[start, end)``.

    >>> window_days(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC))
    [datetime.date(2025, 1, 1), datetime.date(2025, 1, 2)]
    >>> window_days(datetime(2025, 1, 1, 6, tzinfo=UTC), datetime(2025, 1, 2, 6, tzinfo=UTC))
    [datetime.date(2025, 1, 2)]
    """
    first = start.astimezone(UTC).date()
    if datetime.combine(first, time(), UTC) < start:
        first += timedelta(days=1)
    out = []
    while datetime.combine(first, time(), UTC) < end:
        out.append(first)
        first += timedelta(days=1)
    return out


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


def orders(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime, on: str) -> Rows:
    """All Orders rows (one per order item) whose ``on`` timestamp is in the window.

    Cancelled lines carry quantity 0 and empty prices, as Amazon writes them.
    """
    channel = seller.marketplace(mp_id).sales_channel
    last_order, last_iso = None, ("", "")
    for i in seller.order_items_between(mp_id, start, end, on=on):
        if i.amazon_order_id != last_order:  # lines of one order share their timestamps
            last_order, last_iso = i.amazon_order_id, (iso(i.purchase_date), iso(i.last_updated_date))
        priced = i.item_price is not None
        yield [
            i.amazon_order_id, "", last_iso[0], last_iso[1], i.order_status, i.fulfillment_channel,
            channel, "", i.ship_service_level, i.product_name, i.sku, i.asin, i.order_status,
            str(i.quantity), i.currency, money(i.item_price), money(i.item_tax), money(i.shipping_price),
            "0.00" if priced else "", "", "", money(i.promotion_discount), "0.00" if priced else "",
            i.ship_city, i.ship_state, i.ship_postal_code, i.ship_country, "", "",
            flag(i.is_business_order), "", "BusinessPrice" if i.is_business_order else "", "false",
        ]


def listings(seller: SyntheticSeller, mp_id: str, as_of: datetime) -> Rows:
    mp = seller.marketplace(mp_id)
    afn_channel = f"AMAZON_{mp.region.upper()}"
    for n, p in enumerate(seller.products(mp_id)):
        afn = p.fulfillment == "AFN"
        yield [
            p.name, "", f"{p.open_date:%m%d}{seller.seed % 100:02d}{n:05d}", p.sku, money(p.price),
            "" if afn else str(10 + n * 7 % 40), pacific_text(p.open_date), "", "y", "1", "", "", "11",
            "", "", "", p.asin, "", "", "", "", "", p.asin, "", "", "0",
            afn_channel if afn else "DEFAULT", "Migrated Template", "Active",
        ]


def inventory(seller: SyntheticSeller, mp_id: str, as_of: datetime) -> Rows:
    for inv in seller.inventory(mp_id, as_of.date()):
        p = inv["product"]
        yield [
            p.sku, p.fnsku, p.asin, p.name, "New", money(p.price), "No", "", "Yes",
            str(inv["warehouse"]), str(inv["fulfillable"]), str(inv["unsellable"]), str(inv["reserved"]),
            str(inv["total"]), "0.05", str(inv["inbound_working"]), str(inv["inbound_shipped"]),
            str(inv["inbound_receiving"]), str(inv["researching"]), "0", "0",
        ]


def shipments(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime) -> Rows:
    channel = seller.marketplace(mp_id).sales_channel
    for s in seller.shipments_between(mp_id, start, end):
        i = s.item
        yield [
            i.amazon_order_id, "", s.shipment_id, s.shipment_item_id, i.order_item_id, "",
            iso(i.purchase_date), iso(i.purchase_date), iso(s.shipment_date), iso(s.reporting_date),
            "", "", "", i.sku, i.product_name, str(i.quantity), i.currency, money(i.item_price),
            money(i.item_tax), money(i.shipping_price), "0.00", "", "", i.ship_service_level,
            "", "", "", "", i.ship_city, i.ship_state, i.ship_postal_code, i.ship_country, "",
            "", "", "", i.ship_city, i.ship_state, i.ship_postal_code, i.ship_country,
            money(i.promotion_discount), "0.00", s.carrier, s.tracking_number,
            iso(s.estimated_arrival_date), s.fulfillment_center_id, "AFN", channel,
        ]


def returns(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime) -> Rows:
    for r in sorted(seller.returns_between(mp_id, start, end), key=lambda r: r.return_date):
        i = r.shipment.item
        yield [
            iso(r.return_date), i.amazon_order_id, i.sku, i.asin, i.fnsku, i.product_name, str(r.quantity),
            r.shipment.fulfillment_center_id, r.detailed_disposition, r.reason, r.status,
            r.license_plate_number, "",
        ]


def reimbursements(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime) -> Rows:
    for r in sorted(seller.reimbursements_between(mp_id, start, end), key=lambda r: r.approval_date):
        p = r.product
        total_qty = r.quantity_cash + r.quantity_inventory
        yield [
            iso(r.approval_date), r.reimbursement_id, "", r.amazon_order_id, r.reason, p.sku, p.fnsku,
            p.asin, p.name, "New", r.currency, money(r.amount_per_unit),
            money(r.amount_per_unit * r.quantity_cash), str(r.quantity_cash), str(r.quantity_inventory),
            str(total_qty), "", "",
        ]


def ledger(seller: SyntheticSeller, mp_id: str, start: datetime, end: datetime) -> Rows:
    """Ledger events (customer shipments out, customer returns in) on the window's days."""
    days = window_days(start, end)
    if not days:
        return
    lo, hi = _midnight(days[0]), _midnight(days[-1]) + timedelta(days=1)
    country = seller.marketplace(mp_id).country
    events = []
    for s in seller.shipments_between(mp_id, lo, hi):
        i = s.item
        events.append((s.shipment_date, [mdy(s.shipment_date.date()), i.fnsku, i.asin, i.sku, i.product_name,
                                         "Shipments", s.shipment_id, str(-i.quantity), s.fulfillment_center_id,
                                         "SELLABLE", "", country, "", ""]))
    for r in seller.returns_between(mp_id, lo, hi):
        i = r.shipment.item
        events.append((r.return_date, [mdy(r.return_date.date()), i.fnsku, i.asin, i.sku, i.product_name,
                                       "CustomerReturns", i.amazon_order_id, str(r.quantity),
                                       r.shipment.fulfillment_center_id, r.detailed_disposition, "", country,
                                       "", ""]))
    events.sort(key=lambda e: e[0])
    for _, row in events:
        yield row


# report type → how to render one marketplace's rows
Windowed = Callable[[SyntheticSeller, str, datetime, datetime], Rows]
Snapshot = Callable[[SyntheticSeller, str, datetime], Rows]

def _orders_by_cursor(report_type: str) -> Windowed:
    """The All Orders report whose window filters on its catalog cursor (an OrderItem field)."""
    on = entry(report_type).cursor
    return lambda s, m, a, b: orders(s, m, a, b, on=on)


WINDOWED: dict[str, Windowed] = {
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL":
        _orders_by_cursor("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL":
        _orders_by_cursor("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"),
    "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL": shipments,
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": returns,
    "GET_FBA_REIMBURSEMENTS_DATA": reimbursements,
    "GET_LEDGER_DETAIL_VIEW_DATA": ledger,
}
SNAPSHOT: dict[str, Snapshot] = {
    "GET_MERCHANT_LISTINGS_ALL_DATA": listings,
    "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA": inventory,
}
