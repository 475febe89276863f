-- grain: one row per account, marketplace and SKU in the latest FBA inventory snapshot
-- key: account, marketplace_id, sku
-- question: How much FBA stock does each SKU hold now, and at what listing price and status?
-- The most recent FBA inventory snapshot per marketplace and SKU, with the
-- listing's price and status from the listings snapshot of the same day.
WITH latest AS (
    SELECT *
    FROM raw_fba_myi_unsuppressed_inventory
    QUALIFY _snapshot_date = max(_snapshot_date) OVER (PARTITION BY _account, _marketplace_id)
)
SELECT
    i._account AS account,
    i._marketplace_id AS marketplace_id,
    i._snapshot_date AS snapshot_date,
    i.sku,
    i.asin,
    i.fnsku,
    i.product_name,
    i.afn_fulfillable_quantity,
    i.afn_reserved_quantity,
    i.afn_unsellable_quantity,
    i.afn_inbound_working_quantity + i.afn_inbound_shipped_quantity + i.afn_inbound_receiving_quantity
        AS afn_inbound_quantity,
    i.afn_total_quantity,
    l.price AS listing_price,
    l.status AS listing_status
FROM latest AS i
LEFT JOIN raw_merchant_listings_all AS l
    ON l._account = i._account
    AND l._marketplace_id = i._marketplace_id
    AND l._snapshot_date = i._snapshot_date
    AND l.seller_sku = i.sku
