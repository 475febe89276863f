-- grain: one row per account, marketplace, child ASIN and marketplace-local day
-- key: account, marketplace_id, child_asin, day
-- question: How many visits, page views and units did each child ASIN get per day, with its buy box share, conversion and ordered sales?
SELECT
    _account AS account,
    marketplace_id,
    start_date AS day,
    child_asin,
    parent_asin,
    traffic_sessions AS sessions,
    traffic_page_views AS page_views,
    traffic_buy_box_percentage AS buy_box_percentage,
    sales_units_ordered AS units_ordered,
    sales_total_order_items AS order_items,
    CAST(sales_ordered_product_sales_amount AS DECIMAL(18, 4)) AS ordered_product_sales,
    sales_ordered_product_sales_currency_code AS currency,
    traffic_unit_session_percentage AS unit_session_percentage
FROM raw_dk_sales_and_traffic_by_child_asin
