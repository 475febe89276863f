-- grain: one row per account, marketplace, UTC purchase day, SKU and ASIN
-- key: account, marketplace_id, purchase_day, sku, asin
-- question: How many units and how much ordered product sales did each SKU sell per day and marketplace?
-- Units, order items and ordered product sales per UTC purchase day, marketplace
-- and SKU, from the latest state of every order item (cancelled lines count 0).
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
    CAST(coalesce(sum(item_price), 0) AS DECIMAL(18, 2)) AS ordered_product_sales,
    count(*) FILTER (WHERE order_status = 'Cancelled') AS cancelled_items
FROM orders
GROUP BY ALL
