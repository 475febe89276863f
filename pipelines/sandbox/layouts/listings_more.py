"""Further listing reports (snapshots): active, inactive and cancelled listings, open listings
(prices and quantities) and search-suppressed listings.

Headers: flat-file-columns-2.md §23a (GET_MERCHANT_LISTINGS_DATA, 47 columns: ALL_DATA's first
27, 12 B2B pricing columns, merchant-shipping-group, 7 progressive pricing columns), §23b
(GET_MERCHANT_LISTINGS_INACTIVE_DATA: ALL_DATA without ``status``), §23c
(GET_MERCHANT_CANCELLED_LISTINGS_DATA, 23 columns), §23d (GET_FLAT_FILE_OPEN_LISTINGS_DATA, 23
columns, one marketplace per report) and §23e (GET_MERCHANTS_LISTINGS_FYP_REPORT, 8 columns).
Values share part 1 §2's forms (``open-date`` in Pacific time with PST/PDT).

Active listings are the seller's catalogue (``SyntheticSeller.listings``); inactive and
cancelled ones are its retired products (``inactive_listings``, ``cancelled_listings``).
"""
from __future__ import annotations

from pipelines.sandbox.formats import MON_D_YYYY
from pipelines.sandbox.layouts import listings
from pipelines.sandbox.layouts.kinds import ReportLayout, pick
from pipelines.sandbox.layouts.model import Asin, Col, Const, Day, Empty, FlatLayout, RowRequest, Sku, Text
from pipelines.sandbox.seller import Listing, ListingIssue

_QUANTITY_PRICES = tuple(h for n in range(1, 6) for h in (f"Quantity Lower Bound {n}", f"Quantity Price {n}"))
_PROGRESSIVE_PRICES = tuple(h for n in range(1, 4) for h in (f"Progressive Lower Bound {n}", f"Progressive Price {n}"))
# Business (B2B) and progressive prices: present but empty for a seller without business pricing (§23a).
_B2B = {h: Empty() for h in ("Business Price", "Quantity Price Type", *_QUANTITY_PRICES, "Progressive Price Type",
                             *_PROGRESSIVE_PRICES)}
_ALL = [c.header for c in listings.COLUMNS]

ACTIVE_COLUMNS = pick(listings.COLUMNS, (*_ALL[:27], "Business Price", "Quantity Price Type", *_QUANTITY_PRICES,
                                         "merchant-shipping-group", "Progressive Price Type", *_PROGRESSIVE_PRICES),
                      _B2B)
INACTIVE_COLUMNS = pick(listings.COLUMNS, _ALL[:28])
CANCELLED_COLUMNS = pick(listings.COLUMNS, (
    "item-name", "item-description", "seller-sku", "price", "quantity", "image-url", "item-is-marketplace",
    "product-id-type", "zshop-shipping-fee", "item-note", "item-condition", "zshop-category1", "zshop-browse-path",
    "zshop-storefront-feature", "asin1", "asin2", "asin3", "will-ship-internationally", "expedited-shipping",
    "zshop-boldface", "product-id", "add-delete", "merchant-shipping-group"))
OPEN_COLUMNS = pick(listings.COLUMNS, ("sku", "asin", "price", "quantity", "Business Price", "Quantity Price Type",
                                       *_QUANTITY_PRICES, "Progressive Price Type", *_PROGRESSIVE_PRICES),
                    {"sku": Sku("product.sku"), "asin": Asin("product.asin"), **_B2B})
SUPPRESSED_COLUMNS = (
    Col("Status", Text("status")),  # Search Suppressed
    Col("Reason", Text("reason")),
    Col("SKU", Sku("product.sku")),
    Col("ASIN", Asin("product.asin")),
    Col("Product name", Text("product.name")),
    Col("Condition", Const("11")),
    Col("Status Change Date", Day("changed", MON_D_YYYY)),  # Jul 29, 2022
    Col("Issue Description", Text("description")),
)


def active(req: RowRequest) -> list[Listing]:
    return req.seller.listings(req.marketplace_id)


def inactive(req: RowRequest) -> list[Listing]:
    return req.seller.inactive_listings(req.marketplace_id)


def cancelled(req: RowRequest) -> list[Listing]:
    return req.seller.cancelled_listings(req.marketplace_id)


def suppressed(req: RowRequest) -> list[ListingIssue]:
    return req.seller.listing_issues(req.marketplace_id)


# "All five are snapshots with no date window, are requestable by createReport" (§23).
LAYOUTS = (
    FlatLayout("GET_MERCHANT_LISTINGS_DATA", "flat-file-columns-2.md §23a", ACTIVE_COLUMNS, active,
               key=("seller-sku",), snapshot=True),
    FlatLayout("GET_MERCHANT_LISTINGS_INACTIVE_DATA", "flat-file-columns-2.md §23b", INACTIVE_COLUMNS, inactive,
               key=("seller-sku",), snapshot=True),
    ReportLayout("GET_MERCHANT_CANCELLED_LISTINGS_DATA", "flat-file-columns-2.md §23c", CANCELLED_COLUMNS, cancelled,
                 key=("seller-sku",), snapshot=True, choices={"custom": ("false", "true")}),
    # "Only one marketplace per report: if several marketplaceIds are sent, only the first is used" (§23d).
    ReportLayout("GET_FLAT_FILE_OPEN_LISTINGS_DATA", "flat-file-columns-2.md §23d", OPEN_COLUMNS, active,
                 key=("sku",), snapshot=True, one_marketplace=True, choices={"custom": ("false", "true")}),
    FlatLayout("GET_MERCHANTS_LISTINGS_FYP_REPORT", "flat-file-columns-2.md §23e", SUPPRESSED_COLUMNS, suppressed,
               key=("SKU", "Status", "Reason", "Issue Description"), snapshot=True),
)
