"""Listing reports: the seller's listings, a current-state snapshot.

Header: flat-file-columns.md §2, GET_MERCHANT_LISTINGS_ALL_DATA (29 columns: Amazon's
inventory-reports attributes page, Airbyte's real records, jlevers issue #525).
"""
from __future__ import annotations

from pipelines.sandbox.formats import PACIFIC_TEXT
from pipelines.sandbox.layouts.model import (
    Asin,
    Col,
    Const,
    Empty,
    FlatLayout,
    Identifier,
    Money,
    Quantity,
    RowRequest,
    Sku,
    Text,
    Timestamp,
)
from pipelines.sandbox.seller import Listing

COLUMNS = (
    Col("item-name", Text("product.name")),
    Col("item-description", Empty()),
    Col("listing-id", Identifier("listing_id")),
    Col("seller-sku", Sku("product.sku")),
    Col("price", Money("product.price")),
    Col("quantity", Quantity("quantity")),  # empty for FBA listings
    Col("open-date", Timestamp("product.open_date", PACIFIC_TEXT)),
    Col("image-url", Empty()),
    Col("item-is-marketplace", Const("y")),
    Col("product-id-type", Const("1")),  # 1 = ASIN
    Col("zshop-shipping-fee", Empty()),
    Col("item-note", Empty()),
    Col("item-condition", Const("11")),  # 11 = New
    Col("zshop-category1", Empty()),
    Col("zshop-browse-path", Empty()),
    Col("zshop-storefront-feature", Empty()),
    Col("asin1", Asin("product.asin")),
    Col("asin2", Empty()),
    Col("asin3", Empty()),
    Col("will-ship-internationally", Empty()),
    Col("expedited-shipping", Empty()),
    Col("zshop-boldface", Empty()),
    Col("product-id", Asin("product.asin")),  # the ASIN when product-id-type is 1
    Col("bid-for-featured-placement", Empty()),
    Col("add-delete", Empty()),
    Col("pending-quantity", Quantity("pending_quantity")),
    Col("fulfillment-channel", Text("fulfillment_channel")),  # DEFAULT or AMAZON_NA / AMAZON_EU / ...
    Col("merchant-shipping-group", Const("Migrated Template")),
    Col("status", Const("Active")),
)


def listings(req: RowRequest) -> list[Listing]:
    return req.seller.listings(req.marketplace_id)


LAYOUTS = (
    FlatLayout("GET_MERCHANT_LISTINGS_ALL_DATA", "flat-file-columns.md §2", COLUMNS, listings,
               key=("seller-sku",), snapshot=True),
)
