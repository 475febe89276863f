-- grain: one row per settlement transaction line
-- key: account, settlement_id, row_number
-- question: Which transactions make up each settlement payout, and in which period and currency?
-- Settlement transaction lines with the settlement's period, deposit date and
-- total carried onto every line (Amazon writes them only on the summary row).
WITH summary AS (
    SELECT settlement_id, settlement_start_date, settlement_end_date, deposit_date,
           total_amount, currency AS settlement_currency
    FROM raw_settlements_v2
    WHERE transaction_type IS NULL
)
SELECT
    t._account AS account,
    t._marketplace_id AS marketplace_id,
    t.settlement_id,
    s.settlement_start_date,
    s.settlement_end_date,
    s.deposit_date,
    s.total_amount AS settlement_total,
    s.settlement_currency,
    t.transaction_type,
    t.order_id,
    t.sku,
    t.quantity_purchased,
    t.amount_type,
    t.amount_description,
    t.amount,
    t.posted_date_time,
    t._row_number AS row_number
FROM raw_settlements_v2 AS t
JOIN summary AS s USING (settlement_id)
WHERE t.transaction_type IS NOT NULL
