-- One row per order item at its latest known state, merged from both All Orders
-- reports (by order date and by last update), so a late status change wins.
WITH versions AS (
    SELECT _account, _marketplace_id, amazon_order_id, sku, asin, purchase_date, last_updated_date,
           order_status, fulfillment_channel, sales_channel, ship_service_level, product_name,
           item_status, quantity, currency, item_price, item_tax, shipping_price, shipping_tax,
           item_promotion_discount, ship_promotion_discount, ship_city, ship_state,
           ship_postal_code, ship_country, is_business_order
    FROM raw_all_orders_by_order_date
    UNION ALL
    SELECT _account, _marketplace_id, amazon_order_id, sku, asin, purchase_date, last_updated_date,
           order_status, fulfillment_channel, sales_channel, ship_service_level, product_name,
           item_status, quantity, currency, item_price, item_tax, shipping_price, shipping_tax,
           item_promotion_discount, ship_promotion_discount, ship_city, ship_state,
           ship_postal_code, ship_country, is_business_order
    FROM raw_all_orders_by_last_update
)
SELECT *
FROM versions
QUALIFY row_number() OVER (
    PARTITION BY _account, _marketplace_id, amazon_order_id, sku, asin
    ORDER BY last_updated_date DESC
) = 1
