"""FBA fees: the fee preview, monthly storage, aged-inventory (long-term storage) and storage-limit
overage charges.

Headers: flat-file-columns-2.md §13 (GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA: the documented / EU
29 columns, served in DE and JP, and the NA production 31 columns, served in the US), part 1
§11 (GET_FBA_STORAGE_FEE_CHARGES_DATA, 27 columns with underscores; production files spell
them with hyphens, PR #32591: served so in DE and JP), §29b
(GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA, 14 documented columns) and §29a
(GET_FBA_OVERAGE_FEE_CHARGES_DATA, 10 columns).

The fees agree with settlements: a unit's expected FBA fee is the per-unit
``FBAPerUnitFulfillmentFee`` settlements charge, its referral fee the settlements'
``Commission`` on one unit at the listed price.
"""
from __future__ import annotations

from datetime import date, timedelta, timezone

from pipelines.sandbox.formats import ISO_DATE, ISO_OFFSET, YEAR_MONTH
from pipelines.sandbox.layouts.kinds import Measure, ReportLayout, Variant, pick
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Day,
    Drift,
    Empty,
    FlatLayout,
    Fnsku,
    FulfillmentCenter,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import AgedInventoryCharge, FeePreview, StorageFee, StorageOverage

UTC = timezone.utc
US, DE, JP = "ATVPDKIKX0DER", "A1PA6795UKMFR9", "A1VC38T7YXB528"
PRODUCT_GROUP, BRAND = "Home", "Sandbox Home"

# "To successfully generate a report, specify the StartDate parameter for a minimum 72 hours prior
# to NOW and EndDate to NOW" (Amazon's report type page, quoted in Gemma-Analytics/ewah PR #266).
# Amazon accepts such a request and the report ends FATAL (amzn/selling-partner-api-models #2175,
# #5024); the FATAL document's wording is unverified, so it quotes the rule.
FEE_PREVIEW_EARLIEST_START = timedelta(hours=72)
FEE_PREVIEW_START_REFUSAL = ("To successfully generate a report, specify the StartDate parameter for a minimum "
                             "72 hours prior to NOW and EndDate to NOW.")

_FEE_PREVIEW_COMMON = {
    "sku": Sku("product.sku"),
    "fnsku": Fnsku("product.fnsku"),
    "asin": Asin("product.asin"),
    "amazon-store": Text("store"),
    "product-name": Text("product.name"),
    "product-group": Const(PRODUCT_GROUP),
    "brand": Const(BRAND),
    "fulfilled-by": Const("Amazon"),
    "has-local-inventory": Const("Y"),  # value unverified
    "your-price": Money("product.price"),
    "sales-price": Money("product.price"),
    "longest-side": Measure("package.longest_side"),
    "median-side": Measure("package.median_side"),
    "shortest-side": Measure("package.shortest_side"),
    "length-and-girth": Measure("package.length_and_girth"),
    "unit-of-dimension": Text("package.dimension_unit"),
    "item-package-weight": Measure("package.weight"),
    "unit-of-weight": Text("package.weight_unit"),
    "product-size-tier": Text("package.size_tier"),
    "product-size-weight-band": Text("package.size_tier"),
    "currency": Text("currency"),
    "estimated-fee-total": Money("total"),
    "estimated-referral-fee-per-unit": Money("referral_fee"),
    "estimated-variable-closing-fee": Money("variable_closing_fee"),
    "expected-fulfillment-fee-per-unit": Money("fulfillment_fee"),
    "expected-domestic-fulfilment-fee-per-unit": Money("fulfillment_fee"),
    # The NA fee components this seller has no figure for: "--" (§13, "Emulator").
    "estimated-order-handling-fee-per-order": Const("--"),
    "estimated-pick-pack-fee-per-unit": Const("--"),
    "estimated-weight-handling-fee-per-unit": Const("--"),
    "estimated-future-fee (Current Selling on Amazon + Future Fulfillment fees)": Money("total"),
    "estimated-future-order-handling-fee-per-order": Const("--"),
    "estimated-future-pick-pack-fee-per-unit": Const("--"),
    "estimated-future-weight-handling-fee-per-unit": Const("--"),
    "expected-future-fulfillment-fee-per-unit": Money("fulfillment_fee"),
}
# European Fulfilment Network fees to other countries: this seller ships from no other EU store.
_FEE_PREVIEW_COMMON |= {f"expected-efn-fulfilment-fee-per-unit-{c}": Empty() for c in ("uk", "de", "fr", "it", "es", "se")}

FEE_PREVIEW_COLUMNS = pick((), (
    "sku", "fnsku", "asin", "product-name", "product-group", "brand", "fulfilled-by", "has-local-inventory",
    "your-price", "sales-price", "longest-side", "median-side", "shortest-side", "length-and-girth",
    "unit-of-dimension", "item-package-weight", "unit-of-weight", "product-size-weight-band", "currency",
    "estimated-fee-total", "estimated-referral-fee-per-unit", "estimated-variable-closing-fee",
    "expected-domestic-fulfilment-fee-per-unit", "expected-efn-fulfilment-fee-per-unit-uk",
    "expected-efn-fulfilment-fee-per-unit-de", "expected-efn-fulfilment-fee-per-unit-fr",
    "expected-efn-fulfilment-fee-per-unit-it", "expected-efn-fulfilment-fee-per-unit-es",
    "expected-efn-fulfilment-fee-per-unit-se"), _FEE_PREVIEW_COMMON)
FEE_PREVIEW_NA = Variant((US,), "flat-file-columns-2.md §13 (a), NA production header (May and August 2026)",
                         pick((), (
                             "sku", "fnsku", "asin", "amazon-store", "product-name", "product-group", "brand",
                             "fulfilled-by", "your-price", "sales-price", "longest-side", "median-side",
                             "shortest-side", "length-and-girth", "unit-of-dimension", "item-package-weight",
                             "unit-of-weight", "product-size-tier", "currency", "estimated-fee-total",
                             "estimated-referral-fee-per-unit", "estimated-variable-closing-fee",
                             "estimated-order-handling-fee-per-order", "estimated-pick-pack-fee-per-unit",
                             "estimated-weight-handling-fee-per-unit", "expected-fulfillment-fee-per-unit",
                             "estimated-future-fee (Current Selling on Amazon + Future Fulfillment fees)",
                             "estimated-future-order-handling-fee-per-order",
                             "estimated-future-pick-pack-fee-per-unit",
                             "estimated-future-weight-handling-fee-per-unit",
                             "expected-future-fulfillment-fee-per-unit"), _FEE_PREVIEW_COMMON))

STORAGE_FEE_COLUMNS = (
    Col("asin", Asin("product.asin")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("product_name", Text("product.name")),
    Col("fulfillment_center", FulfillmentCenter("fulfillment_center")),
    Col("country_code", Text("country")),
    Col("longest_side", Measure("package.longest_side")),
    Col("median_side", Measure("package.median_side")),
    Col("shortest_side", Measure("package.shortest_side")),
    Col("measurement_units", Text("package.dimension_unit")),
    Col("weight", Measure("package.weight")),
    Col("weight_units", Text("package.weight_unit")),
    Col("item_volume", Measure("package.volume")),
    Col("volume_units", Text("package.volume_unit")),
    Col("product_size_tier", Text("package.size_tier")),
    Col("average_quantity_on_hand", Measure("average_on_hand")),
    Col("average_quantity_pending_removal", Measure("average_pending_removal")),
    Col("estimated_total_item_volume", Measure("total_volume")),
    Col("month_of_charge", Day("month", YEAR_MONTH)),  # YYYY-MM (unverified)
    Col("storage_rate", Money("rate")),
    Col("currency", Text("currency")),
    Col("estimated_monthly_storage_fee", Money("fee")),
    Col("dangerous_goods_storage_type", Empty()),  # no dangerous goods
    # Flag form unverified: Yes/No as the MYI report's flags (part 1 §3).
    Col("eligible_for_inventory_discount", Const("No")),
    Col("qualifies_for_inventory_discount", Const("No")),
    Col("total_incentive_fee_amount", Empty()),
    Col("breakdown_incentive_fee_amount", Empty()),
    Col("average_quantity_customer_orders", Measure("average_customer_orders")),
)
STORAGE_FEE_DRIFT = Drift((DE, JP), "flat-file-columns.md §11: hyphenated production names (Airbyte PR #32591)",
                          renamed={c.header: c.header.replace("_", "-") for c in STORAGE_FEE_COLUMNS},
                          # "Airbyte's current schema adds" (§11); not served here
                          also_seen=("base_rate", "storage_utilization_ratio", "storage_utilization_ratio_units",
                                     "utilization_surcharge_rate"))

AGED_INVENTORY_COLUMNS = (
    Col("snapshot-date", Timestamp("snapshot", ISO_OFFSET)),  # 2023-06-15T09:03:00+00:00
    Col("sku", Sku("product.sku")),
    Col("fnsku", Fnsku("product.fnsku")),
    Col("asin", Asin("product.asin")),
    Col("product-name", Text("product.name")),
    Col("condition", Const("New")),
    Col("per-unit-volume", Measure("package.volume")),
    Col("currency", Text("currency")),
    Col("volume-unit", Text("volume_unit")),  # cubic_feet
    Col("country", Text("country")),
    Col("qty-charged", Quantity("quantity")),
    Col("amount-charged", Money("amount")),
    Col("surcharge-age-tier", Text("age_tier")),  # values unverified
    Col("rate-surcharge", Money("rate")),
)

# The 15-column header a user saw in June 2023 (§29b, #2622), before Amazon reworked these fees.
AGED_INVENTORY_2023 = Drift((), "flat-file-columns-2.md §29b, older header (#2622)", also_seen=(
    "qty-charged-long-time-range-long-term-storage-fee", "long-time-range-long-term-storage-fee",
    "qty-charged-short-time-range-long-term-storage-fee", "short-time-range-long-term-storage-fee",
    "enrolled-in-small-and-light"))

OVERAGE_COLUMNS = (
    # A date (§29a), raw form unverified: YYYY-MM-DD as the planning report's snapshot-date (part 1 §10).
    Col("charged_date", Day("charged_day", ISO_DATE)),
    Col("country_code", Text("country")),
    Col("storage_type", Text("storage_type")),
    Col("charge_rate", Money("rate")),
    Col("storage_usage_volume", Measure("usage")),
    Col("storage_limit_volume", Measure("limit")),
    Col("overage_volume", Measure("overage")),
    Col("volume_unit", Text("volume_unit")),
    Col("charged_fee_amount", Money("fee")),
    Col("currency_code", Text("currency")),
)


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months(first: date, last: date) -> list[date]:
    """First days of the months from ``first``'s to ``last``'s."""
    out, m = [], first.replace(day=1)
    while m <= last:
        out.append(m)
        m = _next_month(m)
    return out


def fee_preview(req: RowRequest) -> list[FeePreview]:
    return req.seller.fee_preview(req.marketplace_id)


def storage_fees(req: RowRequest) -> list[StorageFee]:
    """Charges of the months whose first day is in the window and that have ended."""
    req.expect_window("month")
    months = [d for d in req.days if d.day == 1 and _next_month(d) <= req.now.date()]
    return [f for m in months for f in req.seller.storage_fees(req.marketplace_id, m)]


def aged_inventory_charges(req: RowRequest) -> list[AgedInventoryCharge]:
    """Charges counted on a 15th in the window, up to now."""
    req.expect_window("snapshot")
    months = _months(req.start.date(), req.end.date())
    return [c for m in months for c in req.seller.aged_inventory_charges(req.marketplace_id, m)
            if req.start <= c.snapshot < req.end and c.snapshot <= req.now]


def storage_overages(req: RowRequest) -> list[StorageOverage]:
    """Overage charges made in the window (the month after the one they charge), up to now."""
    req.expect_window("charged_day")
    months = _months(req.start.date() - timedelta(days=45), req.end.date())
    return [o for m in months for o in req.seller.storage_overages(req.marketplace_id, m)
            if req.start <= o.charged < req.end and o.charged <= req.now]


LAYOUTS = (
    # A snapshot (the window filters nothing) whose dataStartTime must lie 72 hours back (§13).
    ReportLayout("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", "flat-file-columns-2.md §13", FEE_PREVIEW_COLUMNS,
                 fee_preview, key=("sku",), snapshot=True, variants=(FEE_PREVIEW_NA,),
                 earliest_start=FEE_PREVIEW_EARLIEST_START, start_refusal=FEE_PREVIEW_START_REFUSAL),
    # One row per SKU, fulfilment centre and month; cursor month_of_charge (part 1 §11).
    FlatLayout("GET_FBA_STORAGE_FEE_CHARGES_DATA", "flat-file-columns.md §11", STORAGE_FEE_COLUMNS, storage_fees,
               key=("asin", "fnsku", "fulfillment_center", "month_of_charge"), window_column="month_of_charge",
               day_window=True, drift=STORAGE_FEE_DRIFT),
    # "One calendar month of charges" (§29b); cursor snapshot-date.
    FlatLayout("GET_FBA_FULFILLMENT_LONGTERM_STORAGE_FEE_CHARGES_DATA", "flat-file-columns-2.md §29b",
               AGED_INVENTORY_COLUMNS, aged_inventory_charges, key=("snapshot-date", "sku", "fnsku", "country"),
               window_column="snapshot-date", drift=AGED_INVENTORY_2023),
    # "The window is presumably a charge month (unverified)" (§29a): charges made in the window.
    FlatLayout("GET_FBA_OVERAGE_FEE_CHARGES_DATA", "flat-file-columns-2.md §29a", OVERAGE_COLUMNS, storage_overages,
               key=("charged_date", "country_code", "storage_type"), window_column="charged_date", day_window=True),
)
