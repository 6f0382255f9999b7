-- Pairs of distinct entities mentioned in the same document (n_documents) and in the same sentence
-- (n_sentences: sentences that mention both). Each unordered pair appears once (entity_a < entity_b).
CREATE OR REPLACE VIEW v_entity_cooccurrence AS
WITH per_doc AS (
    SELECT DISTINCT doc_id, entity_id, canonical, label FROM entity_mentions
), per_sentence AS (
    SELECT DISTINCT doc_id, sentence_index, entity_id FROM entity_mentions
), doc_pairs AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b,
           any_value(a.canonical) AS canonical_a, any_value(a.label) AS label_a,
           any_value(b.canonical) AS canonical_b, any_value(b.label) AS label_b,
           count(*) AS n_documents
    FROM per_doc a JOIN per_doc b ON a.doc_id = b.doc_id AND a.entity_id < b.entity_id
    GROUP BY a.entity_id, b.entity_id
), sentence_pairs AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS n_sentences
    FROM per_sentence a JOIN per_sentence b
      ON a.doc_id = b.doc_id AND a.sentence_index = b.sentence_index AND a.entity_id < b.entity_id
    GROUP BY a.entity_id, b.entity_id
)
SELECT d.entity_a, d.canonical_a, d.label_a, d.entity_b, d.canonical_b, d.label_b,
       d.n_documents, coalesce(s.n_sentences, 0) AS n_sentences
FROM doc_pairs d LEFT JOIN sentence_pairs s USING (entity_a, entity_b);
