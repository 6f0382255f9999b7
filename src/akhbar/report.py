"""The run report: one self-contained HTML page for analysts, read from a finished warehouse.

The page holds the run summary and its rejected inputs, the Great Expectations results per table and
expectation, the top entities per label, a chart of mentions over publication time for the top entities,
a chart of the dates the articles talk about, the entity co-occurrence table, analyst-facing checks on the
entity names, and a link to the run's Great Expectations Data Docs (:mod:`akhbar.datadocs`) when they exist.

Charts are Vega-Lite specifications built with Altair; the Vega, Vega-Lite and vega-embed JavaScript is
inlined once from ``vl-convert-python``'s bundle, so the page needs no network when it is opened. All
values from the warehouse reach the page through :func:`html.escape` or JSON with ``<`` escaped.

Only reads: the DuckDB file is opened read-only (:meth:`akhbar.storage.Warehouse.connect`), so a report
cannot be built while a run holds the file open for writing.

>>> suspicious_entity_forms(pl.DataFrame({"label": ["LOC", "LOC"], "canonical": ["بالقاهره", "القاهره"]}))["canonical"].to_list()
['بالقاهره']
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from akhbar import schemas
from akhbar.errors import WarehouseError
from akhbar.storage import Warehouse

__all__ = [
    "ReportData",
    "collect_report_data",
    "render_report",
    "build_report",
    "suspicious_entity_forms",
    "time_unit_for_span",
    "DEFAULT_REPORT_NAME",
]

#: File name of the report inside the warehouse folder when no ``out`` is given.
DEFAULT_REPORT_NAME = "report.html"

# Arabic letters (U+0621-U+064A, plus alef wasla U+0671 and the Persian/Urdu letters some outlets use),
# Latin letters, digits (ASCII and Arabic-Indic: "كاس العالم 2018") and the joiners a name may contain.
# Anything else in a canonical name (punctuation, quotes, brackets) means the span took in a neighbour.
_NAME_CHARS = r"\x{0621}-\x{064A}\x{0660}-\x{0669}\x{0671}-\x{06D3}A-Za-z0-9 \-'."
# A canonical name that starts with proclitics (wa-, fa-, bi-, li-, ka-) glued to the definite article:
# "بالقاهره" (bi + al-Qahira), "والعراق", "للعراق" (li + al- with the alef dropped). The proclitic layers
# are those of the D3 scheme (Habash & Sadat 2006), as in akhbar.lang.ar_clitics.
_GLUED_ARTICLE = r"^(?:[وف]?[بكل]ال|[وف]ال|[وف]?لل)\p{Arabic}{2,}"


@dataclass
class ReportData:
    """Everything the page shows, as Polars frames (column names as in the SQL below).

    Attributes:
        warehouse: the warehouse folder the data came from.
        run_id: the run the summary, rejects and validation sections describe (the latest by default);
            ``None`` when the warehouse has no run.
        runs: ``runs`` rows, newest first.
        table_counts: rows per table of :data:`akhbar.schemas.TABLES`.
        rejected: ``rejected_documents`` rows of ``run_id``.
        rejected_by_reason: reason, n (rejects of ``run_id`` per reason code).
        validation: ``validation_results`` rows of ``run_id``.
        top_entities: ``v_top_entities`` rows with ``rank_in_label <= top_n``.
        mentions_over_time: period (Date), label, canonical, n_mentions, n_documents for the chart.
            Every chosen entity has a row for every period of the window (0 when not mentioned).
        mention_time_unit: ``day``, ``week``, ``month`` or ``year``: the bucket of ``mentions_over_time``.
        mentions_window: (first day, last day, mentions on days before the window) of that chart.
        talked_about: period (Date), relation (past / around publication / future / undated article), n:
            DATE expressions by the period their interval starts in, for the dates chart.
        talked_about_unit: ``month`` or ``year``: the bucket of ``talked_about``.
        talked_about_window: (first, last, n before, n after, earliest, latest) interval starts: the
            chart's window, the expressions left out on each side and the extremes.
        gaps: bucket (Int, order), gap (label), n: DATE expressions by the gap between the first day they
            talk about and their article's publication date (``v_date_mentions.gap_days``), all buckets.
        cooccurrence: ``v_entity_cooccurrence`` rows, most frequent first.
        coverage: publication-date coverage figures (documents, dated documents, first and last
            publication date, distinct publication days, days present in ``v_daily_mentions``).
        suspicious: top entities whose canonical form looks clitic- or punctuation-glued.
        data_docs_href: link to the Data Docs site's index relative to the report, or ``None``.
        data_docs_pages: table name -> link to that table's Data Docs page for ``run_id`` (relative).
    """

    warehouse: Path
    run_id: str | None
    runs: pl.DataFrame
    table_counts: dict[str, int]
    rejected: pl.DataFrame
    rejected_by_reason: pl.DataFrame
    validation: pl.DataFrame
    top_entities: pl.DataFrame
    mentions_over_time: pl.DataFrame
    mention_time_unit: str
    mentions_window: tuple[dt.date | None, dt.date | None, int]
    talked_about: pl.DataFrame
    talked_about_unit: str
    talked_about_window: tuple[Any, ...]
    gaps: pl.DataFrame
    cooccurrence: pl.DataFrame
    coverage: dict[str, Any]
    suspicious: pl.DataFrame
    data_docs_href: str | None = None
    data_docs_pages: dict[str, str] = field(default_factory=dict)
    tail_quantile: float = 0.02
    notes: list[str] = field(default_factory=list)


def time_unit_for_span(first: dt.date | None, last: dt.date | None) -> str:
    """The bucket for a time chart spanning ``first`` .. ``last``: ``day`` up to 45 days, ``week`` up to
    a year, ``month`` up to 30 years, ``year`` beyond (keeps a chart under about 400 points per line).

    >>> time_unit_for_span(dt.date(2020, 1, 1), dt.date(2020, 1, 20))
    'day'
    >>> time_unit_for_span(dt.date(2018, 1, 1), dt.date(2020, 1, 1))
    'month'
    """
    if first is None or last is None:
        return "day"
    days = (last - first).days
    if days <= 45:
        return "day"
    if days <= 366:
        return "week"
    if days <= 30 * 366:
        return "month"
    return "year"


def suspicious_entity_forms(entities: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``entities`` (needs ``canonical``) whose canonical name looks wrongly segmented.

    Two checks, both on the canonical (normalised) form: ``glued_clitic`` when proclitics are fused to the
    definite article (``بالقاهره``, ``والعراق``, ``للعراق``), ``glued_punctuation`` when the name holds a
    character that is neither a letter, a digit nor a name joiner (space, hyphen, apostrophe, full stop),
    such as quotes, guillemets, brackets, commas or Arabic punctuation (U+060C, U+061B, U+061F). These are heuristics for an analyst to look at,
    not errors: a few real names (Bali, بالي) start like a glued form.

    Args:
        entities: any frame with a String column ``canonical``.
    Returns:
        The offending rows with an added String column ``problem``; empty when there are none.
    """
    if entities.height == 0:
        return entities.with_columns(pl.lit(None, pl.String).alias("problem"))
    problem = (
        pl.when(pl.col("canonical").str.contains(f"[^{_NAME_CHARS}]"))
        .then(pl.lit("glued_punctuation"))
        .when(pl.col("canonical").str.contains(_GLUED_ARTICLE))
        .then(pl.lit("glued_clitic"))
        .otherwise(pl.lit(None, pl.String))
    )
    return entities.with_columns(problem.alias("problem")).filter(pl.col("problem").is_not_null())


# ---------------------------------------------------------------------------------------------- data


def _q(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> pl.DataFrame:
    return con.sql(sql, params=list(params) if params else None).pl()


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchall()[0][0])


def collect_report_data(
    warehouse_dir: Path | str,
    run_id: str | None = None,
    *,
    top_n: int = 10,
    chart_entities_per_label: int = 5,
    cooccurrence_rows: int = 25,
    rejected_rows: int = 200,
    tail_quantile: float = 0.02,
) -> ReportData:
    """Read what the report shows from the warehouse at ``warehouse_dir`` (read-only).

    Args:
        warehouse_dir: the warehouse folder (holding ``akhbar.duckdb``).
        run_id: the run to describe; default the latest committed run.
        top_n: entities per label in the top-entities table.
        chart_entities_per_label: entities per label (PER, LOC, ORG) in the mentions-over-time chart.
        cooccurrence_rows: rows of the co-occurrence table (pairs co-occurring in sentences first).
        rejected_rows: at most this many rejected inputs are listed (all are counted).
        tail_quantile: share of the earliest mention days, and of the earliest and latest dates talked
            about, left out of the charts (counted in their captions), so that a few outliers do not
            squeeze the bulk of the corpus into one corner of the time axis.
    Returns:
        A :class:`ReportData`.
    Raises:
        WarehouseError: no warehouse at ``warehouse_dir``, it is locked by a writer, its views are
            missing, or ``run_id`` is not a committed run.
    """
    wh = Warehouse(warehouse_dir)
    con = wh.connect(read_only=True)
    try:
        for view in ("v_top_entities", "v_daily_mentions", "v_date_mentions", "v_entity_cooccurrence"):
            if not _has_view(con, view):
                raise WarehouseError(f"{wh.duckdb_path} has no view {view}; re-run `akhbar run` to create the views")
        runs = _q(con, "SELECT * FROM runs ORDER BY started_at DESC")
        if run_id is None:
            run_id = runs["run_id"][0] if runs.height else None
        elif run_id not in runs["run_id"].to_list():
            raise WarehouseError(f"run {run_id!r} is not in {wh.duckdb_path} (see `akhbar sql \"SELECT * FROM runs\"`)")
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in schemas.TABLES}
        rejected = _q(con, "SELECT source_path, reason, detail FROM rejected_documents WHERE run_id = ? "
                           "ORDER BY reason, source_path LIMIT ?", [run_id, rejected_rows])
        rejected_by_reason = _q(con, "SELECT reason, count(*) AS n FROM rejected_documents WHERE run_id = ? "
                                     "GROUP BY reason ORDER BY n DESC, reason", [run_id])
        validation = _q(con, "SELECT table_name, expectation, success, unexpected_count, detail "
                             "FROM validation_results WHERE run_id = ? ORDER BY table_name, expectation", [run_id])
        top = _q(con, "SELECT label, rank_in_label, canonical, n_mentions, n_documents, first_seen, last_seen, "
                      "entity_id FROM v_top_entities WHERE rank_in_label <= ? "
                      "ORDER BY array_position(['PER','LOC','ORG','MISC'], label), rank_in_label, canonical",
                 [top_n])
        coverage_row = con.execute(
            "SELECT count(*), count(published_date), min(published_date), max(published_date), "
            "count(DISTINCT published_date) FROM documents").fetchall()[0]
        mention_days = con.execute("SELECT count(DISTINCT day), min(day), max(day) FROM v_daily_mentions").fetchall()[0]
        coverage = {
            "documents": coverage_row[0], "dated_documents": coverage_row[1],
            "first_published": coverage_row[2], "last_published": coverage_row[3],
            "publication_days": coverage_row[4], "days_with_mentions": mention_days[0],
        }
        # the charts cover the central part of the time axis: a few stray early articles (or dates far in
        # the past) would otherwise squeeze the bulk of the corpus into one corner
        lo, hi = con.execute(
            "SELECT quantile_disc(day, ?), max(day) FROM v_daily_mentions", [tail_quantile]).fetchall()[0]
        unit = time_unit_for_span(lo, hi)
        mentions = _q(con, f"""
            WITH chosen AS (
                SELECT entity_id, label, canonical FROM v_top_entities
                WHERE label IN ('PER', 'LOC', 'ORG') AND rank_in_label <= ?
                QUALIFY row_number() OVER (PARTITION BY label ORDER BY rank_in_label, canonical) <= ?
            ), periods AS (
                SELECT CAST(range AS DATE) AS period
                FROM range(CAST(date_trunc('{unit}', CAST(? AS DATE)) AS TIMESTAMP),
                           CAST(? AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 {unit})
            ), counts AS (
                SELECT CAST(date_trunc('{unit}', day) AS DATE) AS period, entity_id,
                       sum(n_mentions) AS n_mentions, sum(n_documents) AS n_documents
                FROM v_daily_mentions
                WHERE entity_id IN (SELECT entity_id FROM chosen) AND day >= ?
                GROUP BY ALL
            )
            SELECT p.period, c.label, c.canonical, coalesce(k.n_mentions, 0) AS n_mentions,
                   coalesce(k.n_documents, 0) AS n_documents
            FROM periods p CROSS JOIN (SELECT * FROM chosen WHERE entity_id IN (SELECT entity_id FROM counts)) c
            LEFT JOIN counts k ON k.period = p.period AND k.entity_id = c.entity_id
            ORDER BY p.period, c.label, c.canonical
        """, [chart_entities_per_label, chart_entities_per_label, lo, hi, lo]) if lo is not None else _q(
            con, "SELECT NULL::DATE AS period, NULL AS label, NULL AS canonical, 0 AS n_mentions, "
                 "0 AS n_documents WHERE false")
        before = con.execute("SELECT coalesce(sum(n_mentions), 0) FROM v_daily_mentions WHERE day < ?",
                             [lo]).fetchall()[0][0] if lo is not None else 0
        mentions_window = (lo, hi, int(before))
        t_lo, t_hi = con.execute(
            "SELECT quantile_disc(interval_start, ?), quantile_disc(interval_start, ?) FROM v_date_mentions "
            "WHERE type = 'DATE' AND interval_start IS NOT NULL", [tail_quantile, 1 - tail_quantile]).fetchall()[0]
        talked_unit = "year" if t_lo and t_hi and (t_hi - t_lo).days > 6 * 366 else "month"
        talked = _q(con, f"""
            SELECT CAST(date_trunc('{talked_unit}', interval_start) AS DATE) AS period,
                   CASE WHEN published_date IS NULL THEN 'undated article'
                        WHEN interval_end < published_date THEN 'past'
                        WHEN interval_start > published_date THEN 'future'
                        ELSE 'around publication' END AS relation,
                   count(*) AS n
            FROM v_date_mentions
            WHERE type = 'DATE' AND interval_start BETWEEN ? AND ?
            GROUP BY ALL ORDER BY period, relation
        """, [t_lo, t_hi])
        outside = con.execute(
            "SELECT count(*) FILTER (WHERE interval_start < ?), count(*) FILTER (WHERE interval_start > ?), "
            "min(interval_start), max(interval_start) FROM v_date_mentions "
            "WHERE type = 'DATE' AND interval_start IS NOT NULL", [t_lo, t_hi]).fetchall()[0]
        talked_window = (t_lo, t_hi, int(outside[0] or 0), int(outside[1] or 0), outside[2], outside[3])
        cases = " ".join(f"WHEN gap_days {cond} THEN {i}" for i, (_, cond) in enumerate(_GAP_BUCKETS))
        gaps = _q(con, f"""
            SELECT CASE {cases} END AS bucket, count(*) AS n FROM v_date_mentions
            WHERE type = 'DATE' AND gap_days IS NOT NULL GROUP BY bucket ORDER BY bucket
        """)
        gaps = pl.DataFrame({"bucket": list(range(len(_GAP_BUCKETS))),
                             "gap": [name for name, _ in _GAP_BUCKETS]},
                            schema={"bucket": gaps.schema.get("bucket", pl.Int32), "gap": pl.String}).join(
            gaps, on="bucket", how="left").with_columns(pl.col("n").fill_null(0).cast(pl.Int64)).sort("bucket")
        cooc = _q(con, "SELECT canonical_a, label_a, canonical_b, label_b, n_sentences, n_documents "
                       "FROM v_entity_cooccurrence ORDER BY n_sentences DESC, n_documents DESC, canonical_a, "
                       "canonical_b LIMIT ?", [cooccurrence_rows])
    finally:
        con.close()
    return ReportData(
        warehouse=Path(warehouse_dir), run_id=run_id, runs=runs, table_counts=counts, rejected=rejected,
        rejected_by_reason=rejected_by_reason, validation=validation, top_entities=top,
        mentions_over_time=mentions, mention_time_unit=unit, mentions_window=mentions_window,
        talked_about=talked, talked_about_unit=talked_unit, talked_about_window=talked_window, gaps=gaps,
        cooccurrence=cooc,
        coverage=coverage, suspicious=suspicious_entity_forms(top), tail_quantile=tail_quantile,
    )


# -------------------------------------------------------------------------------------------- charts


@functools.lru_cache(maxsize=1)
def _vega_bundle() -> str:
    """The vega + vega-lite + vega-embed JavaScript bundle shipped in vl-convert-python (about 0.9 MB)."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    bundle = vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())
    # never let the bundle close its own <script> element early
    return bundle.replace("</script", "<\\/script")


_LABEL_ORDER = ["PER", "LOC", "ORG", "MISC"]

#: Buckets of v_date_mentions.gap_days (days from publication to the first day talked about), in order.
_GAP_BUCKETS: tuple[tuple[str, str], ...] = (
    ("over a year before", "< -365"), ("1-12 months before", "< -31"), ("1-4 weeks before", "< -7"),
    ("2-7 days before", "< -1"), ("the day before", "= -1"), ("publication day", "= 0"),
    ("the day after", "= 1"), ("2-7 days after", "<= 7"), ("1-4 weeks after", "<= 31"),
    ("1-12 months after", "<= 365"), ("over a year after", "> 365"),
)


def _mentions_chart(data: ReportData) -> dict[str, Any] | None:
    import altair as alt

    frame = data.mentions_over_time
    if frame.height == 0:
        return None
    frame = frame.with_columns(pl.col("period").dt.to_string("%Y-%m-%d"))
    unit = data.mention_time_unit
    fmt = {"day": "%d %b %Y", "week": "week of %d %b %Y", "month": "%b %Y", "year": "%Y"}[unit]
    axis_fmt = {"day": "%d %b", "week": "%d %b %Y", "month": "%b %Y", "year": "%Y"}[unit]
    base = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=18), strokeWidth=1.5).encode(
        x=alt.X("period:T", title=f"publication {unit}", axis=alt.Axis(format=axis_fmt)),
        y=alt.Y("n_mentions:Q", title="mentions"),
        color=alt.Color("canonical:N", title="entity", legend=alt.Legend(orient="right", labelLimit=220)),
        tooltip=[alt.Tooltip("canonical:N", title="entity"), alt.Tooltip("label:N"),
                 alt.Tooltip("period:T", title=data.mention_time_unit, format=fmt),
                 alt.Tooltip("n_mentions:Q", title="mentions"), alt.Tooltip("n_documents:Q", title="documents")],
    ).properties(width=760, height=170)
    chart = base.facet(row=alt.Row("label:N", title=None, sort=_LABEL_ORDER)).resolve_scale(color="independent")
    return chart.to_dict()


def _gap_chart(data: ReportData) -> dict[str, Any] | None:
    import altair as alt

    if data.gaps.height == 0 or data.gaps["n"].sum() == 0:
        return None
    order = [name for name, _ in _GAP_BUCKETS]
    chart = alt.Chart(data.gaps.select("gap", "n")).mark_bar(color="#4c78a8").encode(
        x=alt.X("gap:N", sort=order, title="first day talked about, relative to the publication date",
                axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("n:Q", title="date mentions (type DATE)"),
        tooltip=[alt.Tooltip("gap:N"), alt.Tooltip("n:Q", title="mentions")],
    ).properties(width=760, height=200)
    return chart.to_dict()


def _talked_about_chart(data: ReportData) -> dict[str, Any] | None:
    import altair as alt

    frame = data.talked_about
    if frame.height == 0:
        return None
    frame = frame.with_columns(pl.col("period").dt.to_string("%Y-%m-%d"))
    unit = data.talked_about_unit
    order = ["past", "around publication", "future", "undated article"]
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{'year' if unit == 'year' else 'yearmonth'}(period):T",
                title=f"{unit} talked about (start of the TIMEX3 interval)",
                axis=alt.Axis(format="%Y" if unit == "year" else "%b %Y")),
        y=alt.Y("sum(n):Q", title="date mentions (type DATE)"),
        color=alt.Color("relation:N", title="relative to publication", sort=order,
                        scale=alt.Scale(domain=order, range=["#4c78a8", "#54a24b", "#e45756", "#bab0ac"])),
        tooltip=[alt.Tooltip(f"{'year' if unit == 'year' else 'yearmonth'}(period):T", title=unit,
                             format="%Y" if unit == "year" else "%b %Y"),
                 alt.Tooltip("relation:N"), alt.Tooltip("sum(n):Q", title="mentions")],
    ).properties(width=760, height=220)
    return chart.to_dict()


# ---------------------------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;
margin:0 auto;max-width:1100px;padding:1rem 1.5rem 3rem;color:#1d1d1f;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d9d9d9;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ar{font-family:"Noto Sans Arabic","Noto Naskh Arabic","DejaVu Sans",sans-serif;font-size:1rem}
.ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}.muted{color:#666}
.grid{display:flex;flex-wrap:wrap;gap:1.5rem}.grid>div{flex:1 1 240px}
nav a{margin-right:.8rem}details{margin:.3rem 0 1rem}code{font-size:.85rem}
"""


def _e(value: Any) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    if isinstance(value, bool):
        return '<span class="ok">passed</span>' if value else '<span class="bad">FAILED</span>'
    if isinstance(value, dt.datetime):
        return html.escape(value.strftime("%Y-%m-%d %H:%M:%S %Z").strip())
    return html.escape(str(value))


def _is_arabic(value: Any) -> bool:
    return isinstance(value, str) and any("\u0600" <= ch <= "\u06ff" for ch in value)


def _table(frame: pl.DataFrame, columns: Sequence[str] | None = None, headers: Sequence[str] | None = None,
           css_class: str = "") -> str:
    columns = list(columns or frame.columns)
    headers = list(headers or columns)
    numeric = {c for c in columns if frame.schema[c].is_numeric()}
    out = [f'<table class="{css_class}"><thead><tr>' + "".join(f"<th>{html.escape(h)}</th>" for h in headers)
           + "</tr></thead><tbody>"]
    for row in frame.select(columns).iter_rows(named=True):
        cells = []
        for c in columns:
            v = row[c]
            if c in numeric or isinstance(v, dt.date):
                cells.append(f'<td class="num">{_e(v)}</td>')
            elif _is_arabic(v):
                cells.append(f'<td class="ar" dir="rtl" lang="ar">{_e(v)}</td>')
            else:
                cells.append(f"<td>{_e(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _json_for_script(obj: Any) -> str:
    # JSON inside <script>: escape "<" so no value from the corpus can close the element
    return json.dumps(obj, ensure_ascii=False, default=str).replace("<", "\\u003c")


def _run_section(d: ReportData) -> str:
    parts = ['<h2 id="run">Run summary</h2>']
    if d.run_id is None:
        return "".join(parts) + "<p>The warehouse has no committed run yet.</p>"
    run = d.runs.filter(pl.col("run_id") == d.run_id).row(0, named=True)
    try:
        inputs = ", ".join(json.loads(run["inputs"]))
    except (TypeError, ValueError):
        inputs = run["inputs"]
    seconds = (run["finished_at"] - run["started_at"]).total_seconds() if run["finished_at"] else None
    facts = pl.DataFrame({
        "what": ["run", "status", "inputs", "started (UTC)", "finished (UTC)", "duration (s)", "documents read",
                 "documents loaded", "documents rejected", "already in the warehouse (skipped)"],
        "value": [run["run_id"], run["status"], inputs, _fmt_ts(run["started_at"]), _fmt_ts(run["finished_at"]),
                  f"{seconds:.1f}" if seconds is not None else None, str(run["n_read"]), str(run["n_loaded"]),
                  str(run["n_rejected"]), str(run["n_skipped"])],
    })
    counts = pl.DataFrame({"table": list(d.table_counts), "rows": list(d.table_counts.values())})
    parts.append('<div class="grid"><div><h3>This run</h3>' + _table(facts, headers=["", ""]) + "</div>")
    parts.append("<div><h3>Warehouse now (all runs)</h3>" + _table(counts) + "</div></div>")
    cov = d.coverage
    parts.append(
        f"<p>Publication dates: {cov['dated_documents']:,} of {cov['documents']:,} documents carry one, from "
        f"{_e(cov['first_published'])} to {_e(cov['last_published'])} ({cov['publication_days']:,} distinct days); "
        f"<code>v_daily_mentions</code> covers {cov['days_with_mentions']:,} of those days.</p>")
    if d.runs.height > 1:
        older = d.runs.select("run_id", "status", "started_at", "n_read", "n_loaded", "n_rejected", "n_skipped").head(20)
        parts.append(f"<details><summary>All runs ({d.runs.height})</summary>" + _table(older) + "</details>")
    parts.append('<h3 id="rejects">Rejected inputs</h3>')
    if d.rejected_by_reason.height == 0:
        parts.append("<p>No input was rejected in this run.</p>")
    else:
        total = int(d.rejected_by_reason["n"].sum())
        parts.append(f"<p>{total:,} input(s) rejected, by reason code "
                     "(<code>akhbar.sources.REJECT_REASONS</code>):</p>" + _table(d.rejected_by_reason))
        shown = d.rejected.height
        parts.append(f"<details {'open' if total <= 20 else ''}><summary>Rejected inputs"
                     f"{f' (first {shown} of {total})' if shown < total else ''}</summary>"
                     + _table(d.rejected) + "</details>")
    return "".join(parts)


def _fmt_ts(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _validation_section(d: ReportData) -> str:
    parts = ['<h2 id="validation">Validation (Great Expectations)</h2>']
    if d.data_docs_href:
        parts.append(f'<p>Great Expectations\' own Data Docs (every run): <a id="data-docs-link" '
                     f'href="{html.escape(d.data_docs_href, quote=True)}">{html.escape(d.data_docs_href)}</a>'
                     + (" (its list of runs needs GX's scripts from the web); this run's page per table, "
                        "readable offline, is linked in the table below." if d.data_docs_pages
                        else "; this run has no pages there yet.") + "</p>")
    if not d.data_docs_pages:
        parts.append('<p class="muted">No Data Docs were built for this run (<code>akhbar report</code> builds '
                     "them unless given <code>--no-data-docs</code>).</p>")
    v = d.validation
    if v.height == 0:
        return "".join(parts) + "<p>No validation results were recorded for this run.</p>"
    per_table = (v.group_by("table_name", maintain_order=True)
                 .agg(pl.len().alias("expectations"), pl.col("success").sum().alias("passed"),
                      (~pl.col("success")).sum().alias("failed"))
                 .with_columns((pl.col("failed") == 0).alias("outcome")))
    n_failed = int(per_table["failed"].sum())
    verdict = ('<span class="ok">all expectations passed</span>' if n_failed == 0
               else f'<span class="bad">{n_failed} expectation(s) failed</span>')
    parts.append(f"<p>{v.height} results over {per_table.height} tables: {verdict}. Each run validates every "
                 "batch before loading; a row here is the outcome over all batches of the run.</p>")
    summary = _table(per_table, ["table_name", "expectations", "passed", "failed", "outcome"],
                     ["table", "expectations", "passed", "failed", "outcome"], css_class="validation")
    if d.data_docs_pages:
        # one more column: the table's Data Docs page of this run
        links = {t: f'<a class="data-docs-page" href="{html.escape(h, quote=True)}">Data Docs</a>'
                 for t, h in d.data_docs_pages.items()}
        rows = summary.split("</tr>")
        rows[0] += "<th>Great Expectations</th>"
        for i, table in enumerate(per_table["table_name"].to_list(), start=1):
            rows[i] += f"<td>{links.get(table, '')}</td>"
        summary = "</tr>".join(rows)
        extra = [t for t in d.data_docs_pages if t not in per_table["table_name"].to_list()]
        if extra:
            summary += ("<p>Checked again after loading, in Data Docs only: "
                        + ", ".join(f'{html.escape(t)} ({links[t]})' for t in extra) + ".</p>")
    parts.append(summary)
    failed = v.filter(~pl.col("success"))
    if failed.height:
        parts.append("<h3>Failed expectations</h3>" + _table(failed))
    parts.append("<details><summary>Every expectation, per table</summary>"
                 + _table(v, ["table_name", "expectation", "success", "unexpected_count", "detail"],
                          ["table", "expectation", "outcome", "unexpected", "detail"]) + "</details>")
    return "".join(parts)


def _entities_section(d: ReportData) -> str:
    parts = ['<h2 id="entities">Top entities per label</h2>',
             "<p>From <code>v_top_entities</code>: ranked within the label by mentions, then documents; "
             "first and last seen are publication dates.</p>"]
    if d.top_entities.height == 0:
        return "".join(parts) + "<p>No entity mentions in the warehouse.</p>"
    parts.append('<div class="grid">')
    for label in _LABEL_ORDER:
        sub = d.top_entities.filter(pl.col("label") == label)
        if sub.height == 0:
            continue
        parts.append(f'<div><h3>{label}</h3>' + _table(
            sub, ["rank_in_label", "canonical", "n_mentions", "n_documents", "first_seen", "last_seen"],
            ["#", "entity", "mentions", "docs", "first seen", "last seen"], css_class=f"top-{label}") + "</div>")
    parts.append("</div>")
    parts.append('<h3 id="checks">Checks on the names</h3>')
    if d.suspicious.height == 0:
        parts.append('<p class="ok">No top entity looks clitic-glued (proclitic fused to the article, e.g. '
                     "بالقاهره) or punctuation-glued.</p>")
    else:
        parts.append(f'<p class="bad">{d.suspicious.height} top entit{"y looks" if d.suspicious.height == 1 else "ies look"} '
                     "wrongly segmented (a heuristic: check them before use):</p>"
                     + _table(d.suspicious, ["label", "rank_in_label", "canonical", "n_mentions", "problem"]))
    return "".join(parts)


def _charts_section(d: ReportData, specs: dict[str, dict[str, Any] | None]) -> str:
    lo, hi, before = d.mentions_window
    left_out = (f" The {before:,} mentions published before {_e(lo)} (the earliest {d.tail_quantile:.0%} of "
                "mention days) are left out." if before else "")
    parts = ['<h2 id="over-time">Mentions over publication time</h2>',
             f"<p>The top entities of PER, LOC and ORG per publication {d.mention_time_unit} "
             f"(<code>v_daily_mentions</code>), {_e(lo)} to {_e(hi)}.{left_out}</p>"]
    parts.append('<div id="chart-mentions" class="chart"></div>' if specs.get("chart-mentions")
                 else "<p>No dated entity mentions.</p>")
    t_lo, t_hi, n_before, n_after, earliest, latest = d.talked_about_window
    outside = ""
    if n_before or n_after:
        outside = (f" Shown: {_e(t_lo)} to {_e(t_hi)}; left out: {n_before:,} earlier (back to {_e(earliest)}) "
                   f"and {n_after:,} later (up to {_e(latest)}).")
    parts.append('<h2 id="talked-about">Dates the articles talk about</h2>'
                 f"<p>Temporal expressions of type DATE per {d.talked_about_unit} they refer to "
                 "(<code>v_date_mentions</code>), coloured by their place relative to the article's publication "
                 f"date.{outside}</p>")
    parts.append('<div id="chart-dates" class="chart"></div>' if specs.get("chart-dates")
                 else "<p>No resolved DATE expressions.</p>")
    if specs.get("chart-gaps"):
        parts.append("<p>How far from their publication date the articles look (<code>gap_days</code>), over all "
                     'DATE expressions of dated articles:</p><div id="chart-gaps" class="chart"></div>')
    return "".join(parts)


def _cooccurrence_section(d: ReportData) -> str:
    parts = ['<h2 id="cooccurrence">Entities mentioned together</h2>',
             "<p>From <code>v_entity_cooccurrence</code>: pairs by the number of sentences that mention both, "
             "then documents.</p>"]
    if d.cooccurrence.height == 0:
        return "".join(parts) + "<p>No two entities share a document.</p>"
    return "".join(parts) + _table(d.cooccurrence, headers=["entity A", "label A", "entity B", "label B",
                                                            "sentences", "documents"], css_class="cooc")


def render_report(data: ReportData, *, generated_at: dt.datetime | None = None) -> str:
    """The report page for ``data`` as one HTML string (UTF-8, no external resources).

    Args:
        data: from :func:`collect_report_data`.
        generated_at: the time stamped on the page (default now, UTC).
    Returns:
        A complete HTML document; the JavaScript of Vega, Vega-Lite and vega-embed is inlined.
    """
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    specs = {"chart-mentions": _mentions_chart(data), "chart-dates": _talked_about_chart(data),
             "chart-gaps": _gap_chart(data)}
    specs = {k: v for k, v in specs.items() if v is not None}
    title = f"akhbar run report — {data.run_id or 'no run'}"
    body = "".join([
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="muted">Warehouse <code>{html.escape(str(data.warehouse))}</code>, generated '
        f"{generated_at.strftime('%Y-%m-%d %H:%M UTC')}.</p>",
        '<nav><a href="#run">Run</a><a href="#rejects">Rejects</a><a href="#validation">Validation</a>'
        '<a href="#entities">Entities</a><a href="#over-time">Over time</a><a href="#talked-about">Dates</a>'
        '<a href="#cooccurrence">Co-occurrence</a></nav>',
        _run_section(data), _validation_section(data), _entities_section(data), _charts_section(data, specs),
        _cooccurrence_section(data),
        "".join(f'<p class="muted">{_e(n)}</p>' for n in data.notes),
    ])
    script = ""
    if specs:
        script = (
            f'<script type="text/javascript">{_vega_bundle()}</script>\n'
            '<script type="text/javascript">\n'
            f"const akhbarSpecs = {_json_for_script(specs)};\n"
            "const akhbarOpts = {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}};\n"
            "window.akhbarChartsRendered = 0;\n"
            "for (const [id, spec] of Object.entries(akhbarSpecs)) {\n"
            "  vegaEmbed('#' + id, spec, akhbarOpts)\n"
            "    .then(() => { window.akhbarChartsRendered += 1; })\n"
            "    .catch((err) => console.error('chart ' + id + ': ' + err));\n"
            "}\n</script>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n<body>{body}\n{script}\n</body></html>\n"
    )


def build_report(
    warehouse_dir: Path | str,
    out: Path | str | None = None,
    *,
    run_id: str | None = None,
    data_docs: bool = True,
    top_n: int = 10,
) -> Path:
    """Write the run report of the warehouse at ``warehouse_dir`` and return its path.

    Args:
        warehouse_dir: the warehouse folder.
        out: the HTML file to write; default ``<warehouse_dir>/report.html``. Its folder is created.
        run_id: the run to describe; default the latest.
        data_docs: link the warehouse's Data Docs (:func:`akhbar.datadocs.data_docs_index`) and the run's
            pages there (:func:`akhbar.datadocs.run_pages`) when they exist. Links are relative to the
            report, so a report in the warehouse folder can be moved together with it. Builds nothing.
        top_n: entities per label in the top-entities table.
    Returns:
        The path written.
    Raises:
        WarehouseError: see :func:`collect_report_data`.
    """
    from akhbar.datadocs import data_docs_index, run_pages

    warehouse_dir = Path(warehouse_dir)
    out_path = Path(out) if out else warehouse_dir / DEFAULT_REPORT_NAME
    data = collect_report_data(warehouse_dir, run_id, top_n=top_n)
    base = out_path.resolve().parent

    def rel(path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), base)).as_posix()

    index = data_docs_index(warehouse_dir)
    if data_docs and index.is_file():
        data.data_docs_href = rel(index)
        if data.run_id:
            data.data_docs_pages = {t: rel(p) for t, p in run_pages(warehouse_dir, data.run_id).items()}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    tmp.write_text(render_report(data), encoding="utf-8")
    os.replace(tmp, out_path)
    return out_path
