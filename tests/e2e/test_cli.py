"""The command line as a user runs it: `akhbar run`, `akhbar extract`, `akhbar sql`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from akhbar.cli import app
from tests.conftest import REPO, SEED_ARTICLE

pytestmark = pytest.mark.e2e
RAW = SEED_ARTICLE.read_text(encoding="utf-8")


def test_extract_prints_records_with_offsets_into_the_input():
    res = CliRunner().invoke(app, ["extract", str(SEED_ARTICLE), "--published", "2020-01-13"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert set(doc) == {"tokens", "sentences", "entities", "dates"}
    for kind in ("tokens", "sentences"):
        assert all(RAW[r["start_char"]:r["end_char"]] == r["text"] for r in doc[kind])
    for kind in ("entities", "dates"):
        assert doc[kind], kind
        assert all(RAW[r["start"]:r["end"]] == r["text"] for r in doc[kind])
    assert {"label", "canonical"} <= set(doc["entities"][0])
    assert {"type", "value", "granularity"} <= set(doc["dates"][0])
    assert "2019-04-04" in {d["value"] for d in doc["dates"]}


def test_extract_reads_stdin_and_keeps_tashkeel_offsets():
    text = "وَصَلَ حَفْتَرُ إلى مُوسْكُو الإثنين"
    res = CliRunner().invoke(app, ["extract", "-", "--published", "2020-01-13"], input=text)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [text[d["start"]:d["end"]] for d in doc["dates"]] == ["الإثنين"]
    assert doc["dates"][0]["value"] == "2020-01-13"
    assert all(text[t["start_char"]:t["end_char"]] == t["text"] for t in doc["tokens"])


def test_extract_without_reference_date_leaves_relative_values_unresolved():
    res = CliRunner().invoke(app, ["extract", "-"], input="التقى الوزير نظيره الإثنين")
    doc = json.loads(res.stdout)
    assert doc["dates"][0]["value"].startswith("XXXX")
    assert doc["dates"][0]["anchored"] is False


def test_extract_missing_file_is_a_clear_error():
    res = CliRunner().invoke(app, ["extract", "/nonexistent/file.txt"])
    assert res.exit_code != 0
    assert "no such file" in res.output


def test_run_then_sql_through_the_installed_command(tmp_path):
    exe = REPO / ".venv" / "bin" / "akhbar"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "akhbar.cli"]
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    run = subprocess.run(cmd + ["run", str(SEED_ARTICLE.parent), "--warehouse", str(tmp_path / "wh"), "--json"],
                         capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert summary["documents_loaded"] == 1 and summary["status"] == "completed"
    assert "Traceback" not in run.stderr
    assert "analytics" not in run.stderr.lower()
    q = subprocess.run(cmd + ["sql", "SELECT count(*) AS n FROM documents", "--warehouse", str(tmp_path / "wh")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert q.returncode == 0, q.stderr
    assert "1" in q.stdout
    out_csv = tmp_path / "top.csv"
    q = subprocess.run(cmd + ["sql", "SELECT label, canonical FROM v_top_entities ORDER BY label, rank_in_label",
                              "--warehouse", str(tmp_path / "wh"), "--out", str(out_csv)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert q.returncode == 0, q.stderr
    assert out_csv.read_text(encoding="utf-8").splitlines()[0] == "label,canonical"


def test_sql_on_a_missing_warehouse_says_what_to_do(tmp_path):
    res = CliRunner().invoke(app, ["sql", "SELECT 1", "--warehouse", str(tmp_path / "none")])
    assert res.exit_code == 1
    assert "akhbar run" in res.output
