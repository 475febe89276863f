-- grain: one row per returned item: FBA customer returns (one per license plate) and merchant returns (one per RMA and SKU)
-- key: account, marketplace_id, channel, return_id, order_id, sku, return_date
-- question: What did customers send back, when, why and in what condition, and (for merchant returns) how much was refunded?
-- FBA returns carry no refund amount (NULL with a NULL currency); their day is the UTC day of return_date.
SELECT
    _account AS account,
    _marketplace_id AS marketplace_id,
    'AFN' AS channel,
    CAST(timezone('UTC', return_date) AS DATE) AS return_date,
    license_plate_number AS return_id,
    order_id,
    sku,
    asin,
    fnsku,
    quantity,
    reason,
    detailed_disposition AS disposition,
    status,
    CAST(NULL AS DECIMAL(18, 4)) AS refunded_amount,
    CAST(NULL AS VARCHAR) AS currency
FROM raw_fba_customer_returns
UNION ALL
SELECT
    _account,
    _marketplace_id,
    'MFN',
    return_request_date,
    amazon_rma_id,
    order_id,
    merchant_sku,
    asin,
    CAST(NULL AS VARCHAR),
    return_quantity,
    return_reason,
    CAST(NULL AS VARCHAR),
    return_request_status,
    CAST(refunded_amount AS DECIMAL(18, 4)),
    CASE WHEN refunded_amount IS NOT NULL THEN currency_code END
FROM raw_mfn_returns
