-- Mentions per entity per publication day (documents without a publication date are left out).
CREATE OR REPLACE VIEW v_daily_mentions AS
SELECT d.published_date AS day, m.entity_id, any_value(m.canonical) AS canonical, any_value(m.label) AS label,
       count(*) AS n_mentions, count(DISTINCT m.doc_id) AS n_documents
FROM entity_mentions m
JOIN documents d USING (doc_id)
WHERE d.published_date IS NOT NULL
GROUP BY d.published_date, m.entity_id;
