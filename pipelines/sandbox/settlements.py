"""Settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2).

Amazon generates one per marketplace per closed settlement period; they cannot
be requested, only listed with getReports. The sandbox lists one per
marketplace per closed 14-day ``seller.settlement_periods()`` period, created
the day after the period closes, kept 90 days (Amazon's retention).

Rows: the summary row first (settlement id, dates, total, currency; other
fields empty), then Order rows (principal, tax, shipping, commission, FBA fee)
for items shipped in the period and Refund rows for returns in the period,
using the seller's own fees. EU amounts use a comma decimal mark (``95,00``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Iterator

from pipelines.sandbox.formats import money, utc_text
from pipelines.sandbox.seller import MARKETPLACES, SyntheticSeller

REPORT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
RETENTION = timedelta(days=90)
CREATED_AFTER_CLOSE = timedelta(days=1, hours=2)


@dataclass(frozen=True)
class Settlement:
    report_id: str
    settlement_id: str
    marketplace_id: str
    start: datetime
    end: datetime

    @property
    def created(self) -> datetime:
        return self.end + CREATED_AFTER_CLOSE

    @property
    def document_id(self) -> str:
        return f"amzn1.spdoc.1.4.na.settlement.{self.report_id}"


def settlements(seller: SyntheticSeller, marketplace_ids: tuple[str, ...], now: datetime) -> list[Settlement]:
    """Settlement reports visible at ``now`` (created, and still retained)."""
    mp_index = {m: n for n, m in enumerate(MARKETPLACES)}
    out = []
    for sid, start, end in seller.settlement_periods(now - CREATED_AFTER_CLOSE):
        for mp in marketplace_ids:
            per_mp = str(int(sid) + 10_000 * mp_index[mp])  # settlement ids are per marketplace account
            s = Settlement(report_id=f"5{per_mp}", settlement_id=per_mp, marketplace_id=mp, start=start, end=end)
            if now - RETENTION <= s.created <= now:
                out.append(s)
    return out


def _transactions(seller: SyntheticSeller, s: Settlement) -> Iterator[tuple[str, str, str, str, str, str, Decimal,
                                                                              str, datetime, object, int]]:
    """(type, order id, adjustment id, shipment id, amount type, description, amount, fulfillment,
    posted, item, quantity) for every money movement of the period."""
    mp = s.marketplace_id
    for sh in seller.shipments_between(mp, s.start, s.end):
        yield from _order_lines(seller, sh.item, sh.shipment_id, sh.shipment_date)
    for d in _days(s.start, s.end):  # merchant-fulfilled items ship on their purchase date
        for i in seller.order_items(mp, d):
            if i.shipped and i.fulfillment_channel == "Merchant" and s.start <= i.purchase_date < s.end:
                yield from _order_lines(seller, i, "", i.purchase_date)
    for r in seller.returns_between(mp, s.start, s.end):
        i = r.shipment.item
        share = Decimal(r.quantity) / Decimal(i.quantity)
        decimals = MARKETPLACES[mp].decimals
        q = Decimal("0.01") if decimals else Decimal(1)
        adj = f"ADJ{r.license_plate_number[3:]}"
        yield ("Refund", i.amazon_order_id, adj, "", "ItemPrice", "Principal",
               -(i.item_price * share).quantize(q), "AFN", r.return_date, i, r.quantity)
        yield ("Refund", i.amazon_order_id, adj, "", "ItemFees", "Commission",
               (seller.referral_fee(i) * share).quantize(q), "AFN", r.return_date, i, r.quantity)


def _order_lines(seller: SyntheticSeller, i, shipment_id: str, posted: datetime):
    ff = "AFN" if i.fulfillment_channel == "Amazon" else "MFN"
    base = ("Order", i.amazon_order_id, "", shipment_id)
    yield (*base, "ItemPrice", "Principal", i.item_price, ff, posted, i, i.quantity)
    yield (*base, "ItemPrice", "Tax", i.item_tax, ff, posted, i, i.quantity)
    if i.shipping_price:
        yield (*base, "ItemPrice", "Shipping", i.shipping_price, ff, posted, i, i.quantity)
    yield (*base, "ItemFees", "Commission", -seller.referral_fee(i), ff, posted, i, i.quantity)
    if ff == "AFN":
        yield (*base, "ItemFees", "FBAPerUnitFulfillmentFee", -seller.fba_fee(i), ff, posted, i, i.quantity)


def _days(start: datetime, end: datetime):
    d = start.date()
    while datetime.combine(d, datetime.min.time(), start.tzinfo) < end:
        yield d
        d += timedelta(days=1)


def settlement_rows(seller: SyntheticSeller, s: Settlement) -> Iterator[list[str]]:
    """The 24-column V2 rows: summary first, then one row per amount (two passes, no buffering)."""
    mp = MARKETPLACES[s.marketplace_id]
    comma = mp.region == "eu"
    total = sum((t[6] for t in _transactions(seller, s)), Decimal(0))
    yield [s.settlement_id, utc_text(s.start), utc_text(s.end), utc_text(s.end + timedelta(days=1)),
           money(total, comma), mp.currency] + [""] * 18
    for ttype, order_id, adj, ship_id, atype, desc, amount, ff, posted, i, qty in _transactions(seller, s):
        yield [s.settlement_id, "", "", "", "", "", ttype, order_id, "", adj, ship_id, mp.sales_channel,
               atype, desc, money(amount, comma), ff, posted.strftime("%m/%d/%y"), utc_text(posted),
               i.order_item_id, "", "", i.sku, str(qty), ""]
