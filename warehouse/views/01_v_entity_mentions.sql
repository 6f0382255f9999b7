-- Every entity mention with its document's title, source, URL and publication date.
-- Offsets are [start_char, end_char) in code points of documents.raw_text.
CREATE OR REPLACE VIEW v_entity_mentions AS
SELECT m.doc_id, m.mention_index, m.start_char, m.end_char, m.text, m.label, m.canonical, m.entity_id,
       m.sentence_index, d.title, d.source, d.url, d.published_date
FROM entity_mentions m
JOIN documents d USING (doc_id);
