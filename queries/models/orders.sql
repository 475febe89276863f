-- grain: one row per order item (account, marketplace, order, SKU, ASIN) at its latest known state
-- key: _account, _marketplace_id, amazon_order_id, sku, asin
-- question: What is the latest status, quantity and price of every order item?
-- One row per order item at its latest known state, merged from both All Orders
-- reports (by order date and by last update), so a late status change wins.
-- A Pending item has no price and often no currency yet (Amazon prices it when the
-- order is confirmed): `is_pending` marks it, and its currency is the one the
-- marketplace's other rows carry.
SELECT
    * EXCLUDE (_report_id, _window_start, _window_end, _snapshot_date, _loaded_at, _row_number, currency),
    coalesce(currency, any_value(currency) OVER (PARTITION BY _account, _marketplace_id)) AS currency,
    order_status = 'Pending' AS is_pending
FROM (
    SELECT * FROM raw_all_orders_by_order_date
    UNION ALL BY NAME
    SELECT * FROM raw_all_orders_by_last_update
)
QUALIFY row_number() OVER (
    PARTITION BY _account, _marketplace_id, amazon_order_id, sku, asin
    ORDER BY last_updated_date DESC, _loaded_at DESC, _report_id DESC
) = 1
