-- Entities ranked within their label by mentions, with document counts and first/last publication date
-- on which they were mentioned (NULL when no mentioning document has a publication date).
CREATE OR REPLACE VIEW v_top_entities AS
SELECT m.label, m.entity_id, any_value(m.canonical) AS canonical,
       count(*) AS n_mentions, count(DISTINCT m.doc_id) AS n_documents,
       min(d.published_date) AS first_seen, max(d.published_date) AS last_seen,
       rank() OVER (PARTITION BY m.label ORDER BY count(*) DESC, count(DISTINCT m.doc_id) DESC) AS rank_in_label
FROM entity_mentions m
JOIN documents d USING (doc_id)
GROUP BY m.label, m.entity_id;
