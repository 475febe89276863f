-- grain: one row per account, marketplace, SKU, day and currency
-- key: account, marketplace_id, sku, day, currency
-- question: What did each SKU earn per day: units, revenue, refunds, promotions, Amazon fees by type, reimbursements, advertising, net proceeds and, with unit costs supplied, COGS and margin?
-- Units, revenue and promotions come from the seller's priced, not cancelled order
-- items by UTC purchase day; refunds, fees, advertising and net proceeds from Data
-- Kiosk economics (its day is the marketplace's); reimbursements by UTC approval day.
-- Every amount is summed per its own currency; margin = revenue - Amazon fees - COGS,
-- with COGS = units x the latest unit cost valid on the day (NULL without one).
WITH order_lines AS (
    SELECT _account AS account, _marketplace_id AS marketplace_id, sku,
           CAST(timezone('UTC', purchase_date) AS DATE) AS day, currency, quantity, item_price,
           coalesce(item_promotion_discount, 0) + coalesce(ship_promotion_discount, 0) AS promotion
    FROM orders
    WHERE order_status <> 'Cancelled' AND coalesce(currency, '') <> '' AND item_price IS NOT NULL
),
fee_charges AS (
    SELECT e._account AS account, e.marketplace_id, e.msku AS sku, e.start_date AS day,
           unnest(f.charges, recursive := false) AS charge
    FROM raw_dk_economics_by_msku_day AS e, unnest(e.fees) AS u(f)
),
ads AS (
    SELECT e._account AS account, e.marketplace_id, e.msku AS sku, e.start_date AS day, a.charge.totalAmount AS total
    FROM raw_dk_economics_by_msku_day AS e, unnest(e.ads) AS u(a)
),
amounts AS (
    SELECT account, marketplace_id, sku, day, currency, 'revenue' AS measure, item_price AS amount, quantity AS units
    FROM order_lines
    UNION ALL
    SELECT account, marketplace_id, sku, day, currency, 'promotions', promotion, 0 FROM order_lines
    UNION ALL
    SELECT _account, marketplace_id, msku, start_date, sales_refunded_product_sales_currency_code, 'refunds',
           sales_refunded_product_sales_amount, 0
    FROM raw_dk_economics_by_msku_day
    WHERE sales_refunded_product_sales_amount IS NOT NULL
    UNION ALL
    SELECT _account, marketplace_id, msku, start_date, net_proceeds_total_currency_code, 'net_proceeds',
           net_proceeds_total_amount, 0
    FROM raw_dk_economics_by_msku_day
    WHERE net_proceeds_total_amount IS NOT NULL
    UNION ALL
    SELECT account, marketplace_id, sku, day, charge.aggregatedDetail.totalAmount.currencyCode,
           CASE
               WHEN charge.identifier IN ('REFERRAL_FEE', 'REFERRAL_FEES') THEN 'referral_fees'
               WHEN charge.identifier LIKE '%FBA_FULFILLMENT_FEE%' THEN 'fba_fulfillment_fees'
               WHEN charge.identifier LIKE '%STORAGE%' OR charge.identifier = 'AGED_INVENTORY_SURCHARGE'
                   THEN 'storage_fees'
               ELSE 'other_fees'
           END,
           charge.aggregatedDetail.totalAmount.amount, 0
    FROM fee_charges
    WHERE charge.aggregatedDetail.totalAmount.amount IS NOT NULL
    UNION ALL
    SELECT account, marketplace_id, sku, day, total.currencyCode, 'advertising', total.amount, 0
    FROM ads
    WHERE total.amount IS NOT NULL
    UNION ALL
    SELECT _account, _marketplace_id, sku, CAST(timezone('UTC', approval_date) AS DATE), currency_unit,
           'reimbursements', amount_total, 0
    FROM raw_fba_reimbursements
    WHERE amount_total IS NOT NULL
),
daily AS (
    SELECT
        account, marketplace_id, sku, day, currency,
        CAST(sum(units) AS BIGINT) AS units,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'revenue'), 0) AS DECIMAL(18, 4)) AS ordered_revenue,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'refunds'), 0) AS DECIMAL(18, 4)) AS refunds,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'promotions'), 0) AS DECIMAL(18, 4)) AS promotions,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'referral_fees'), 0) AS DECIMAL(18, 4)) AS referral_fees,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'fba_fulfillment_fees'), 0) AS DECIMAL(18, 4))
            AS fba_fulfillment_fees,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'storage_fees'), 0) AS DECIMAL(18, 4)) AS storage_fees,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'other_fees'), 0) AS DECIMAL(18, 4)) AS other_fees,
        CAST(coalesce(sum(amount) FILTER (WHERE measure = 'reimbursements'), 0) AS DECIMAL(18, 4)) AS reimbursements,
        CAST(sum(amount) FILTER (WHERE measure = 'advertising') AS DECIMAL(18, 4)) AS advertising_cost,
        CAST(sum(amount) FILTER (WHERE measure = 'net_proceeds') AS DECIMAL(18, 4)) AS net_proceeds
    FROM amounts
    WHERE coalesce(currency, '') <> '' AND sku IS NOT NULL
    GROUP BY ALL
),
costed AS (
    SELECT d.*, c.unit_cost, c.currency AS cost_currency
    FROM daily AS d
    LEFT JOIN unit_costs AS c
        ON c.sku = d.sku AND c.marketplace_id = d.marketplace_id AND c.valid_from <= d.day
    QUALIFY row_number() OVER (
        PARTITION BY d.account, d.marketplace_id, d.sku, d.day, d.currency ORDER BY c.valid_from DESC NULLS LAST
    ) = 1
)
SELECT
    * EXCLUDE (unit_cost, cost_currency),
    CAST(referral_fees + fba_fulfillment_fees + storage_fees + other_fees AS DECIMAL(18, 4)) AS amazon_fees,
    -- a cost in another currency is no cost for this row: never converted, never mixed
    CAST(CASE WHEN cost_currency = currency THEN unit_cost END AS DECIMAL(18, 4)) AS unit_cost,
    CAST(CASE WHEN cost_currency = currency THEN units * unit_cost END AS DECIMAL(18, 4)) AS cogs,
    CAST(CASE WHEN cost_currency = currency
         THEN ordered_revenue - (referral_fees + fba_fulfillment_fees + storage_fees + other_fees) - units * unit_cost
         END AS DECIMAL(18, 4)) AS margin
FROM costed
