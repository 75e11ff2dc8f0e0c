-- almanac query: contacts by quarter, month, channel for 2024-25
-- step 1: scan fact activity (t0)
-- step 2: join wards (t1) on t0.ward_code = t1.ward_code, many-to-one
-- step 3: join districts (t2) on t1.district_code = t2.district_code, many-to-one
-- step 4: keep activity_date in [2024-04-01, 2025-04-01)
-- step 5: apply filter
-- step 6: group by quarter, month, channel
-- step 7: aggregate contacts = sum(contacts)
SELECT
  to_char(t0."activity_date", 'YYYY-"Q"Q') AS "quarter",
  to_char(t0."activity_date", 'YYYY-MM') AS "month",
  t0."channel" AS "channel",
  COALESCE(SUM(t0."contacts"), 0) AS "contacts"
FROM "activity" AS t0
JOIN "wards" AS t1 ON t1."ward_code" = t0."ward_code"
JOIN "districts" AS t2 ON t2."district_code" = t1."district_code"
WHERE t0."activity_date" >= $1 AND t0."activity_date" < $2
  AND ((t2."district_name" IN ($3, $4) AND NOT ((t0."channel" = $5 OR t0."outcome" <> $6))))
GROUP BY to_char(t0."activity_date", 'YYYY-"Q"Q'), to_char(t0."activity_date", 'YYYY-MM'), t0."channel"
ORDER BY "quarter", "month", "channel"
LIMIT $7
-- parameters: '2024-04-01', '2025-04-01', 'Preston', 'Burnley', 'Web', 'Resolved', 10
