"""Listing reports: every listing, active, inactive, cancelled, open (with B2B prices) and suppressed."""
from pipelines.catalog.model import Column, ReportEntry, cols

# Columns 1-27 of the merchant listings reports (ALL, active, inactive).
_LISTING = cols(
    "item-name item-description listing-id seller-sku price:decimal quantity:int "
    "open-date:timestamp_tzname image-url item-is-marketplace product-id-type "
    "zshop-shipping-fee item-note item-condition zshop-category1 zshop-browse-path "
    "zshop-storefront-feature asin1 asin2 asin3 will-ship-internationally expedited-shipping "
    "zshop-boldface product-id bid-for-featured-placement add-delete pending-quantity:int "
    "fulfillment-channel"
)
# B2B prices: a business price and up to five quantity tiers, then up to three progressive tiers.
_QUANTITY_PRICES = (
    Column("Business Price", "decimal"), Column("Quantity Price Type"),
    *(c for n in range(1, 6) for c in (Column(f"Quantity Lower Bound {n}", "int"),
                                       Column(f"Quantity Price {n}", "decimal"))),
)
_PROGRESSIVE_PRICES = (
    Column("Progressive Price Type"),
    *(c for n in range(1, 4) for c in (Column(f"Progressive Lower Bound {n}", "int"),
                                       Column(f"Progressive Price {n}", "decimal"))),
)


def _listing(report_type: str, name: str, description: str, columns, key=("seller_sku",), **kw) -> ReportEntry:
    return ReportEntry(report_type=report_type, name=name, description=description, columns=columns,
                       windowed=False, snapshot=True, key=key, lookback_days=0, group="listings", **kw)


ENTRIES: tuple[ReportEntry, ...] = (
    _listing("GET_MERCHANT_LISTINGS_ALL_DATA", "merchant_listings_all",
             "Snapshot of every listing (active and inactive), one dated snapshot per day.",
             (*_LISTING, *cols("merchant-shipping-group status"))),
    _listing("GET_MERCHANT_LISTINGS_DATA", "merchant_listings_active",
             "Snapshot of the active listings, with business (B2B) and progressive prices.",
             (*_LISTING, *_QUANTITY_PRICES, *cols("merchant-shipping-group"), *_PROGRESSIVE_PRICES)),
    _listing("GET_MERCHANT_LISTINGS_INACTIVE_DATA", "merchant_listings_inactive",
             "Snapshot of the inactive listings.",
             (*_LISTING, *cols("merchant-shipping-group"))),
    _listing("GET_MERCHANT_CANCELLED_LISTINGS_DATA", "merchant_listings_cancelled",
             "Snapshot of the cancelled listings.",
             cols("item-name item-description seller-sku price:decimal quantity:int image-url "
                  "item-is-marketplace product-id-type zshop-shipping-fee item-note item-condition "
                  "zshop-category1 zshop-browse-path zshop-storefront-feature asin1 asin2 asin3 "
                  "will-ship-internationally expedited-shipping zshop-boldface product-id add-delete "
                  "merchant-shipping-group")),
    _listing("GET_FLAT_FILE_OPEN_LISTINGS_DATA", "open_listings",
             "Snapshot of the open listings: price, quantity and B2B prices per SKU "
             "(one marketplace per request).",
             (*cols("sku asin price:decimal quantity:int"), *_QUANTITY_PRICES, *_PROGRESSIVE_PRICES),
             key=("sku",)),
    _listing("GET_MERCHANTS_LISTINGS_FYP_REPORT", "suppressed_listings",
             "Snapshot of the suppressed listings (Fix Your Products): one row per SKU and issue.",
             cols("Status Reason SKU ASIN", Column("Product name"), "Condition",
                  Column("Status Change Date", "date_mon_d_y"), Column("Issue Description")),
             key=("sku", "status", "reason", "issue_description")),
)
