-- grain: one row per account, marketplace, source, day, product, fee type and currency
-- key: account, marketplace_id, source, day, product_id, fee_type, currency
-- question: What did Amazon charge in fees per product and day, by fee type, as settled, as reported by the economics dataset and as billed for storage?
-- amount is what the seller pays (positive; a refunded fee is negative). The sources overlap, so never add them up:
-- 'settlement' (settlement fee lines by UTC posted day, per SKU, in the settlement's currency), 'economics' (Data
-- Kiosk economics, per MSKU and marketplace-local day) and 'storage' (the monthly storage fee report, per FNSKU:
-- the whole month's fee sits on the month's first day, not spread over its days). product_id is the SKU, else the
-- FNSKU (storage report), else '' for a fee of the whole account (a subscription, a settlement's storage fee).
WITH settlement_currency AS (
    SELECT _account, settlement_id, any_value(currency) AS currency
    FROM raw_settlements_v2
    WHERE transaction_type IS NULL
    GROUP BY ALL
),
fee_lines AS (
    SELECT
        t._account AS account,
        t._marketplace_id AS marketplace_id,
        'settlement' AS source,
        CAST(timezone('UTC', t.posted_date_time) AS DATE) AS day,
        t.sku,
        CAST(NULL AS VARCHAR) AS fnsku,
        CAST(NULL AS VARCHAR) AS asin,
        t.amount_description AS fee_name,
        c.currency,
        -t.amount AS amount
    FROM raw_settlements_v2 AS t
    JOIN settlement_currency AS c USING (_account, settlement_id)
    WHERE t.transaction_type IS NOT NULL
        AND (t.amount_type = 'ItemFees' OR t.transaction_type IN ('ServiceFee', 'FBAFees')
             OR (t.transaction_type = 'other-transaction' AND t.amount_description ILIKE '%fee%'))
    UNION ALL
    SELECT
        e._account,
        e.marketplace_id,
        'economics',
        e.start_date,
        e.msku,
        e.fnsku,
        e.child_asin,
        f.fee.feeTypeName,
        c.charge.aggregatedDetail.totalAmount.currencyCode,
        c.charge.aggregatedDetail.totalAmount.amount
    FROM raw_dk_economics_by_msku_day AS e,
        unnest(e.fees) AS f(fee),
        unnest(f.fee.charges) AS c(charge)
    UNION ALL
    SELECT
        _account,
        _marketplace_id,
        'storage',
        date_trunc('month', month_of_charge),
        CAST(NULL AS VARCHAR),
        fnsku,
        asin,
        'storage',
        currency,
        estimated_monthly_storage_fee
    FROM raw_fba_storage_fees
)
SELECT
    account,
    marketplace_id,
    source,
    CAST(day AS DATE) AS day,
    coalesce(sku, fnsku, '') AS product_id,
    any_value(sku) AS sku,
    any_value(fnsku) AS fnsku,
    any_value(asin) AS asin,
    CASE
        WHEN fee_name IN ('Commission', 'Referral fees') THEN 'referral'
        WHEN fee_name IN ('FBAPerUnitFulfillmentFee', 'FBA fulfillment fees') THEN 'fba_fulfillment'
        WHEN fee_name ILIKE '%long%term%storage%' OR fee_name ILIKE '%aged%inventory%' THEN 'long_term_storage'
        WHEN fee_name ILIKE '%storage%' THEN 'storage'
        ELSE trim(regexp_replace(lower(fee_name), '[^a-z0-9]+', '_', 'g'), '_')
    END AS fee_type,
    currency,
    CAST(sum(amount) AS DECIMAL(18, 4)) AS amount
FROM fee_lines
GROUP BY account, marketplace_id, source, CAST(day AS DATE), coalesce(sku, fnsku, ''), fee_type, currency
