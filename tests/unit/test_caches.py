"""The one setting that sizes the per-word-form caches (akhbar.caches), read in fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

PROBE = (
    "from akhbar.caches import WORD_CACHE_SIZE as n\n"
    "from akhbar.entities.text import split_proclitics\n"
    "from akhbar.entities.features import word_info\n"
    "from akhbar.tokenise import _segment_key\n"
    "from akhbar.entities import get_recogniser\n"
    "ft = get_recogniser().tagger._fast()\n"
    "print(n, split_proclitics.cache_info().maxsize, word_info.cache_info().maxsize,"
    " _segment_key.cache_info().maxsize, ft.max_words // 2)\n"
)


def _probe(value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AKHBAR_WORD_CACHE_SIZE"}
    if value is not None:
        env["AKHBAR_WORD_CACHE_SIZE"] = value
    return subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300)


def test_the_default_sizes_every_word_cache():
    from akhbar.caches import DEFAULT_WORD_CACHE_SIZE

    r = _probe(None)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == [str(DEFAULT_WORD_CACHE_SIZE)] * 5


def test_the_environment_variable_sizes_every_word_cache():
    r = _probe("1234")
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["1234"] * 5


def test_a_bad_size_is_refused_with_the_variable_named():
    for bad in ("lots", "0", "-5", "1000.5"):
        r = _probe(bad)
        assert r.returncode != 0
        assert "AKHBAR_WORD_CACHE_SIZE" in r.stderr
        assert "ValueError" in r.stderr


def test_clear_word_caches_empties_them():
    from akhbar.caches import clear_word_caches
    from akhbar.entities.text import split_proclitics

    split_proclitics("والمانيا")
    assert split_proclitics.cache_info().currsize >= 1
    clear_word_caches()
    assert split_proclitics.cache_info().currsize == 0
    assert split_proclitics("والمانيا") == ("و", "المانيا", "مانيا")


def test_the_settings_default_is_the_caches_default():
    from akhbar.caches import DEFAULT_WORD_CACHE_SIZE
    from akhbar.settings import AkhbarSettings

    assert AkhbarSettings().word_cache_size == DEFAULT_WORD_CACHE_SIZE


def test_the_cli_names_a_bad_setting_in_one_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from akhbar.cli import app

    monkeypatch.setenv("AKHBAR_WORD_CACHE_SIZE", "lots")
    result = CliRunner().invoke(app, ["run", "seeds", "--warehouse", str(tmp_path / "wh")])
    assert result.exit_code == 2
    text = " ".join((result.output + (result.stderr if hasattr(result, "stderr") else "")).split())
    assert "AKHBAR_WORD_CACHE_SIZE='lots'" in text
    assert "Traceback" not in text
    assert not (tmp_path / "wh").exists()


def test_the_cache_and_the_settings_parse_a_size_alike(monkeypatch):
    # a value the CLI's settings accept must not fail later in a worker process
    from akhbar.settings import AkhbarSettings

    for raw, want in (("1000.0", 1000), (" 77 ", 77)):
        monkeypatch.setenv("AKHBAR_WORD_CACHE_SIZE", raw)
        assert AkhbarSettings().word_cache_size == want
        r = _probe(raw)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stdout.split()[0] == str(want)
