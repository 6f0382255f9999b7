-- Temporal expressions with the publication date of their document and the gap in days between when the
-- article was written and the first day the expression talks about (negative: the past).
CREATE OR REPLACE VIEW v_date_mentions AS
SELECT t.doc_id, t.mention_index, t.start_char, t.end_char, t.text, t.type, t.value, t.granularity,
       t.mod, t.calendar, t.hijri_text, t.interval_start, t.interval_end, t.reference_date, t.anchored,
       t.rule, d.title, d.source, d.published_date,
       date_diff('day', d.published_date, t.interval_start) AS gap_days
FROM date_mentions t
JOIN documents d USING (doc_id);
