-- grain: one row per account, marketplace, day and SKU of the Data Kiosk sales and traffic dataset
-- key: account, marketplace_id, day, sku
-- question: How do sessions, page views and buy box turn into units, sales and net proceeds per SKU and day?
-- Per day, marketplace and SKU: Data Kiosk sales and traffic (units, sales,
-- sessions, page views, buy box, conversion) beside the economics dataset's
-- net proceeds, for the BI funnel from visit to payout.
SELECT
    t._account AS account,
    t.marketplace_id,
    t.start_date AS day,
    t.sku,
    t.child_asin,
    t.parent_asin,
    t.sales_ordered_product_sales_currency_code AS currency,
    t.sales_units_ordered AS units_ordered,
    t.sales_ordered_product_sales_amount AS ordered_product_sales,
    t.sales_units_refunded AS units_refunded,
    t.traffic_sessions AS sessions,
    t.traffic_page_views AS page_views,
    t.traffic_buy_box_percentage AS buy_box_percentage,
    CAST(t.sales_units_ordered AS DOUBLE) / nullif(t.traffic_sessions, 0) AS units_per_session,
    e.sales_net_units_sold AS net_units_sold,
    e.net_proceeds_total_amount AS net_proceeds
FROM raw_dk_sales_and_traffic_by_sku AS t
LEFT JOIN raw_dk_economics_by_msku_day AS e
    ON e._account = t._account
    AND e.marketplace_id = t.marketplace_id
    AND e.start_date = t.start_date
    AND e.msku = t.sku
