-- grain: one row per reimbursement line (reimbursement id, SKU and FNSKU)
-- key: account, marketplace_id, reimbursement_id, sku, fnsku
-- question: What did Amazon reimburse for lost, damaged or returned FBA units, in cash (amount and currency) or in replacement inventory?
SELECT
    _account AS account,
    _marketplace_id AS marketplace_id,
    reimbursement_id,
    CAST(timezone('UTC', approval_date) AS DATE) AS approval_day,
    approval_date,
    case_id,
    amazon_order_id,
    reason,
    sku,
    fnsku,
    asin,
    condition,
    currency_unit AS currency,
    CAST(amount_per_unit AS DECIMAL(18, 4)) AS amount_per_unit,
    CAST(amount_total AS DECIMAL(18, 4)) AS amount_total,
    quantity_reimbursed_cash AS quantity_cash,
    quantity_reimbursed_inventory AS quantity_inventory,
    quantity_reimbursed_total AS quantity_total,
    original_reimbursement_id,
    original_reimbursement_type
FROM raw_fba_reimbursements
