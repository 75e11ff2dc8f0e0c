-- almanac query: contacts, records, customers, avg_handling_minutes, min_spend, max_spend for 2025-10
-- step 1: scan fact activity (t0)
-- step 2: keep activity_date in [2025-10-01, 2025-11-01)
-- step 3: aggregate contacts = sum(contacts), records = count(*), customers = count_distinct(customer_id), avg_handling_minutes = average(handling_minutes), min_spend = min(spend_gbp), max_spend = max(spend_gbp)
SELECT
  COALESCE(SUM(t0."contacts"), 0) AS "contacts",
  COUNT(*) AS "records",
  COUNT(DISTINCT t0."customer_id") AS "customers",
  AVG(t0."handling_minutes")::double precision AS "avg_handling_minutes",
  MIN(t0."spend_gbp") AS "min_spend",
  MAX(t0."spend_gbp") AS "max_spend"
FROM "activity" AS t0
WHERE t0."activity_date" >= $1 AND t0."activity_date" < $2
-- parameters: '2025-10-01', '2025-11-01'
