-- grain: one row per account, marketplace, UTC purchase day, SKU and ASIN
-- key: account, marketplace_id, purchase_day, sku, asin
-- question: How many units and how much ordered product sales did each SKU sell per day and marketplace, and how much of it is still pending?
-- Units, order items and ordered product sales per UTC purchase day, marketplace
-- and SKU, from the latest state of every order item (cancelled lines count 0).
-- Pending items (not priced yet) are counted apart: `units` and `order_items` hold
-- every item, `final_*` the shipped and cancelled ones, `pending_*` the others;
-- `ordered_product_sales` is the priced (final) value, in `currency`.
-- `in_restatement_window`: the day is within the 3 days Amazon may still change
-- (an order stays Pending up to 72 hours), so its figures are not final yet.
SELECT
    _account AS account,
    _marketplace_id AS marketplace_id,
    CAST(timezone('UTC', purchase_date) AS DATE) AS purchase_day,
    sku,
    asin,
    any_value(currency) FILTER (WHERE currency IS NOT NULL) AS currency,
    count(DISTINCT amazon_order_id) AS orders,
    count(*) AS order_items,
    CAST(sum(quantity) AS BIGINT) AS units,
    CAST(coalesce(sum(item_price), 0) AS DECIMAL(18, 4)) AS ordered_product_sales,
    count(*) FILTER (WHERE order_status = 'Cancelled') AS cancelled_items,
    count(*) FILTER (WHERE NOT is_pending) AS final_order_items,
    CAST(coalesce(sum(quantity) FILTER (WHERE NOT is_pending), 0) AS BIGINT) AS final_units,
    count(*) FILTER (WHERE is_pending) AS pending_order_items,
    CAST(coalesce(sum(quantity) FILTER (WHERE is_pending), 0) AS BIGINT) AS pending_units,
    CAST(timezone('UTC', purchase_date) AS DATE) >= CAST(timezone('UTC', now()) AS DATE) - 3 AS in_restatement_window
FROM orders
GROUP BY ALL
