"""The ``akhbar`` command line (typer).

Commands: ``run`` (the Prefect flow), ``extract`` (one document, no Prefect, JSON out), ``sql`` (query the
warehouse), ``evaluate ner|dates``, ``train ner``. Prefect is imported only by ``run`` (after the offline
environment is set), Great Expectations only when validation runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from akhbar.errors import AkhbarError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="akhbar: Arabic news text to entities, dates and a DuckDB warehouse.")
evaluate_app = typer.Typer(no_args_is_help=True, help="Score the recognisers on labelled data.")
train_app = typer.Typer(no_args_is_help=True, help="Rebuild the shipped models from the shared data.")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(train_app, name="train")


@app.callback()
def _check_settings() -> None:
    # every command: a bad AKHBAR_* environment variable is refused before any work (see _settings)
    _settings(None)

console = Console(stderr=True)
out = Console()


def _parse_date(value: Optional[str]) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None


def _settings(warehouse: Optional[Path], **overrides):
    from pydantic import ValidationError

    from akhbar.settings import AkhbarSettings

    try:
        s = AkhbarSettings()
    except ValidationError as exc:  # a bad AKHBAR_* environment variable: say which, no traceback
        for err in exc.errors():
            name = "AKHBAR_" + "_".join(str(part) for part in err["loc"]).upper()
            console.print(f"[red]akhbar:[/red] {name}={err.get('input')!r}: {err['msg']}", highlight=False)
        raise typer.Exit(2) from None
    if warehouse is not None:
        s.warehouse_dir = warehouse
    for k, v in overrides.items():
        if v is not None:
            setattr(s, k, v)
    return s


@app.command()
def run(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files, folders (recursive), globs or '-'.")] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date YYYY-MM-DD for documents without one.")] = None,
    batch_size: Annotated[Optional[int], typer.Option("--batch-size", help="Documents per batch.")] = None,
    task_runner: Annotated[Optional[str], typer.Option(help="threads (default) or dask.")] = None,
    dask_address: Annotated[Optional[str], typer.Option(help="tcp://HOST:PORT of a Dask scheduler.")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Threads or Dask workers.")] = None,
    processes: Annotated[Optional[int], typer.Option(help="Processes for the text stages (thread runner).")] = None,
    strict: Annotated[bool, typer.Option(help="Fail the run (load nothing) if any input is rejected.")] = False,
    text_field: Annotated[Optional[str], typer.Option(help="JSON/CSV field holding the article text.")] = None,
    title_field: Annotated[Optional[str], typer.Option(help="JSON/CSV field holding the title.")] = None,
    url_field: Annotated[Optional[str], typer.Option(help="JSON/CSV field holding the URL.")] = None,
    published_field: Annotated[Optional[str], typer.Option(help="JSON/CSV field holding the publication date.")] = None,
    source_field: Annotated[Optional[str], typer.Option(help="JSON/CSV field holding the source name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the ingest flow on PATHS (default seeds/) into the warehouse and print a summary."""
    t0 = time.perf_counter()
    settings = _settings(warehouse, batch_size_docs=batch_size, task_runner=task_runner,
                         dask_address=dask_address, max_workers=workers, worker_processes=processes)
    pub = _parse_date(published)
    paths = paths or ["seeds"]
    field_names = {k: v for k, v in {"text": text_field, "title": title_field, "url": url_field,
                                     "published": published_field, "source": source_field}.items() if v}
    from akhbar.settings import apply_offline_env

    apply_offline_env(settings.prefect_home.resolve())
    if settings.task_runner == "dask" and not os.environ.get("PREFECT_API_URL"):
        # Dask workers cannot share Prefect's temporary server: use the warehouse's own server
        from flows.serve import resolve_api_url

        try:
            os.environ["PREFECT_API_URL"] = resolve_api_url(settings.warehouse_dir)
        except AkhbarError as exc:
            console.print(f"[red]akhbar run --task-runner dask needs a Prefect server:[/red] {exc}")
            raise typer.Exit(1) from None
    import flows.ingest as flow_module

    runner = flow_module.make_task_runner(settings.task_runner, settings.max_workers, settings.dask_address)
    flow = flow_module.ingest_flow.with_options(task_runner=runner)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]akhbar run"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("documents"), TimeElapsedColumn(), console=console,
                  disable=not console.is_terminal) as bar:
        task_id = bar.add_task("run", total=None)
        flow_module.PROGRESS_CALLBACK = lambda read, done: bar.update(task_id, completed=done, total=read)
        try:
            summary = flow(
                paths=list(paths), warehouse_dir=str(settings.warehouse_dir), published=pub,
                batch_size_docs=settings.batch_size_docs, parquet_root=settings.parquet_root,
                max_in_flight=settings.batches_in_flight, lock_timeout_seconds=settings.lock_timeout_seconds,
                max_file_bytes=settings.max_file_bytes, max_document_chars=settings.max_document_chars,
                storage_compatibility_version=settings.storage_compatibility_version, strict=strict,
                field_names=field_names or None,
                worker_processes=settings.worker_processes if settings.task_runner == "threads" else 1,
                data_docs=settings.data_docs,
            )
        except AkhbarError as exc:
            console.print(f"[red]akhbar run failed:[/red] {exc}")
            raise typer.Exit(1) from None
        finally:
            flow_module.PROGRESS_CALLBACK = None
    summary["wall_seconds"] = round(time.perf_counter() - t0, 3)
    summary["prefect_overhead_seconds"] = round(summary["wall_seconds"] - summary["flow_seconds"], 3)
    if as_json:
        out.print_json(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        _print_summary(summary)
    if summary["documents_rejected"] and strict:
        raise typer.Exit(1)


def _print_summary(s: dict) -> None:
    t = RichTable(title=f"akhbar run {s['run_id']} ({s['status']})", show_header=False)
    t.add_column("what")
    t.add_column("value", justify="right")
    t.add_row("documents read", str(s["documents_read"]))
    t.add_row("documents loaded", str(s["documents_loaded"]))
    t.add_row("documents rejected", str(s["documents_rejected"]))
    t.add_row("already in warehouse (skipped)", str(s["documents_skipped"]))
    t.add_row("tokens", str(s["rows"].get("tokens", 0)))
    t.add_row("sentences", str(s["rows"].get("sentences", 0)))
    t.add_row("entity mentions", str(s["rows"].get("entity_mentions", 0)))
    t.add_row("date mentions", str(s["rows"].get("date_mentions", 0)))
    for table, ok in s["validation"].items():
        t.add_row(f"validation {table}", "passed" if ok else "FAILED")
    t.add_row("wall time (s)", f"{s['wall_seconds']:.1f}")
    t.add_row("  of which Prefect start-up/overhead (s)", f"{s['prefect_overhead_seconds']:.1f}")
    for stage, sec in s["stage_seconds"].items():
        t.add_row(f"  stage {stage} (s)", f"{sec:.2f}")
    t.add_row("DuckDB", s["warehouse"])
    t.add_row("Parquet", s["parquet"])
    if s.get("data_docs"):
        t.add_row("Data Docs", s["data_docs"])
    out.print(t)
    for r in s["rejected"]:
        out.print(f"rejected: {r['source_path']}: {r['reason']} ({r['detail']})")


@app.command()
def extract(
    file: Annotated[str, typer.Argument(help="A text file, or '-' for standard input.")] = "-",
    published: Annotated[Optional[str], typer.Option(help="Reference date YYYY-MM-DD for relative dates.")] = None,
) -> None:
    """Process one document without Prefect and print its tokens, sentences, entities and dates as JSON.

    Offsets index the input text exactly as given (decoded as UTF-8, nothing stripped).
    """
    from akhbar.pipeline import extract_document

    if file == "-":
        raw = sys.stdin.read()
    else:
        p = Path(file)
        if not p.is_file():
            raise typer.BadParameter(f"no such file: {file}")
        raw = p.read_text(encoding="utf-8-sig")
    result = extract_document(raw, _parse_date(published))
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A SQL query, or the path of a .sql file.")],
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the result to .csv or .parquet.")] = None,
    limit: Annotated[int, typer.Option(help="Rows to print (not applied to --out).")] = 50,
) -> None:
    """Run a read-only query on the warehouse and print the result (or write it with --out)."""
    from akhbar.storage import Warehouse

    settings = _settings(warehouse)
    if query.strip().lower().endswith(".sql") and Path(query).is_file():
        query = Path(query).read_text(encoding="utf-8")
    try:
        frame = Warehouse(settings.warehouse_dir).query(query)
    except AkhbarError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    except Exception as exc:  # duckdb errors: show the message, not a traceback
        console.print(f"[red]query failed:[/red] {exc}")
        raise typer.Exit(1) from None
    if out_file is not None:
        if out_file.suffix == ".parquet":
            frame.write_parquet(out_file)
        elif out_file.suffix in (".csv", ".tsv"):
            frame.write_csv(out_file, separator="\t" if out_file.suffix == ".tsv" else ",")
        else:
            raise typer.BadParameter("--out must end in .csv, .tsv or .parquet")
        console.print(f"wrote {frame.height} rows to {out_file}")
        return
    t = RichTable(show_lines=False)
    for c in frame.columns:
        t.add_column(c)
    for row in frame.head(limit).iter_rows():
        t.add_row(*["" if v is None else str(v) for v in row])
    out.print(t)
    if frame.height > limit:
        console.print(f"({frame.height} rows, {limit} shown; use --limit or --out)")


@evaluate_app.command("ner")
def evaluate_ner(file: Annotated[Path, typer.Argument(help="CoNLL file: token TAG per line, BIO tags.")]) -> None:
    """Precision, recall and F1 (CoNLL exact span) of the pipeline's recogniser on FILE."""
    from akhbar.entities.evaluate import evaluate_conll, format_report

    sys.stdout.write(format_report(evaluate_conll(file)) + "\n")


@evaluate_app.command("dates")
def evaluate_dates(file: Annotated[Path, typer.Argument(help="Cases in the JSON Lines format of shared/dates.")]) -> None:
    """Precision, recall, exact-span rate and value accuracy of the date extractor on FILE."""
    from akhbar.dates.evaluate import evaluate_cases, format_report

    sys.stdout.write(format_report(evaluate_cases(file)) + "\n")


@train_app.command("ner")
def train_ner(
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="Where to write the model.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 13,
) -> None:
    """Retrain the named-entity model from ../shared/data/ner (fixed seed, reproducible)."""
    from akhbar.entities.train import train_ner as _train

    result = _train(out_dir, seed=seed) if out_dir else _train(seed=seed)
    sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str, indent=2) + "\n")


server_app = typer.Typer(no_args_is_help=True,
                         help="A private Prefect server for a warehouse (needed by `serve` and by Dask runs).")
app.add_typer(server_app, name="server")


@app.command()
def serve(
    inbox: Annotated[Path, typer.Argument(help="Folder of incoming articles (created when missing).")],
    cron: Annotated[Optional[str], typer.Option(help='Cron schedule (UTC), e.g. "*/15 * * * *".')] = None,
    interval: Annotated[Optional[float], typer.Option(help="Or run every SECONDS.")] = None,
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
    published: Annotated[Optional[str], typer.Option(help="Publication date YYYY-MM-DD for documents without one.")] = None,
    batch_size: Annotated[Optional[int], typer.Option("--batch-size", help="Documents per batch.")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Threads per run.")] = None,
) -> None:
    """Serve the ingest flow on a schedule over INBOX: each run loads only the new articles (by content hash).

    Needs a running Prefect server: `akhbar server start` (same --warehouse), or PREFECT_API_URL. Stop with
    Ctrl-C (the deployment is paused until served again).
    """
    settings = _settings(warehouse, batch_size_docs=batch_size, max_workers=workers)
    from akhbar.settings import apply_offline_env

    apply_offline_env(settings.prefect_home.resolve())
    from flows.serve import serve_ingest

    try:
        serve_ingest(
            inbox, warehouse_dir=settings.warehouse_dir, cron=cron, interval_seconds=interval,
            max_workers=settings.max_workers, max_in_flight=settings.batches_in_flight,
            published=_parse_date(published),
            batch_size_docs=settings.batch_size_docs, parquet_root=settings.parquet_root,
            lock_timeout_seconds=settings.lock_timeout_seconds, max_file_bytes=settings.max_file_bytes,
            max_document_chars=settings.max_document_chars,
            storage_compatibility_version=settings.storage_compatibility_version,
            worker_processes=settings.worker_processes, data_docs=settings.data_docs,
        )
    except AkhbarError as exc:
        console.print(f"[red]akhbar serve:[/red] {exc}")
        raise typer.Exit(1) from None


@server_app.command("start")
def server_start(
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
    port: Annotated[Optional[int], typer.Option(help="TCP port [default: a free one].")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind; loopback unless workers are remote.")] = "127.0.0.1",
    timeout: Annotated[float, typer.Option(help="Seconds to wait until it answers.")] = 180.0,
) -> None:
    """Start `prefect server start` in the background (PREFECT_HOME under the warehouse, offline settings)."""
    from flows.server import start_server

    settings = _settings(warehouse)
    try:
        info = start_server(settings.warehouse_dir, host=host, port=port, timeout_seconds=timeout)
    except AkhbarError as exc:
        console.print(f"[red]akhbar server start:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"Prefect server running (pid {info.pid}, log {info.log_path}). For Dask runs and other shells:")
    out.print(f"export PREFECT_API_URL={info.api_url}", highlight=False, soft_wrap=True)


@server_app.command("status")
def server_status_cmd(
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
) -> None:
    """Say whether the warehouse's Prefect server runs and answers (exit status 1 when not)."""
    from flows.server import server_status

    settings = _settings(warehouse)
    info, healthy = server_status(settings.warehouse_dir)
    if info is None:
        out.print(f"no Prefect server for {settings.warehouse_dir}; start one with `akhbar server start`")
        raise typer.Exit(1)
    state = "healthy" if healthy else "starting or not answering"
    out.print(f"{state}: pid {info.pid}, PREFECT_API_URL={info.api_url}, log {info.log_path}", highlight=False,
              soft_wrap=True)
    if not healthy:
        raise typer.Exit(1)


@server_app.command("stop")
def server_stop(
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder [default: warehouse/].")] = None,
) -> None:
    """Stop the warehouse's Prefect server (its whole process group)."""
    from flows.server import stop_server

    settings = _settings(warehouse)
    info = stop_server(settings.warehouse_dir)
    out.print(f"stopped the Prefect server (pid {info.pid})" if info else "no Prefect server was running")


@app.command()
def report(
    warehouse: Annotated[Optional[Path], typer.Option(help="Warehouse folder (default: warehouse/).")] = None,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="HTML file (default: report.html in the warehouse folder).")] = None,
    run_id: Annotated[Optional[str], typer.Option("--run", help="Run to describe (default: the latest).")] = None,
    data_docs: Annotated[bool, typer.Option("--data-docs/--no-data-docs",
                                            help="Build the run's Great Expectations Data Docs when missing, and link them.")] = True,
    rebuild_data_docs: Annotated[bool, typer.Option(help="Rebuild the run's Data Docs even if present.")] = False,
) -> None:
    """Write the run report: one self-contained HTML page (summary, rejects, validation, entities, charts)."""
    from akhbar.datadocs import build_data_docs, run_pages
    from akhbar.report import build_report
    from akhbar.storage import Warehouse

    settings = _settings(warehouse)
    try:
        runs = Warehouse(settings.warehouse_dir).query("SELECT run_id FROM runs ORDER BY started_at DESC")["run_id"]
        if run_id is not None and run_id not in runs.to_list():
            raise AkhbarError(f"run {run_id!r} is not in {settings.warehouse_dir} "
                              '(see `akhbar sql "SELECT run_id, started_at, status FROM runs"`)')
        target = run_id or (runs[0] if runs.len() else None)
        if (data_docs or rebuild_data_docs) and target is not None and (
                rebuild_data_docs or not run_pages(settings.warehouse_dir, target)):
            console.print(f"building Great Expectations Data Docs for run {target} ...")
            build_data_docs(settings.warehouse_dir, target)
        path = build_report(settings.warehouse_dir, out_file, run_id=run_id,
                            data_docs=data_docs or rebuild_data_docs)
    except AkhbarError as exc:
        console.print(f"[red]akhbar report:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    out.print(str(path), highlight=False, soft_wrap=True)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
