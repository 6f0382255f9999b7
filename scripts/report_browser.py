"""Open an HTML page in headless Chromium and report what an analyst would see: console errors, uncaught
exceptions, failed loads, the page's text, and a PNG screenshot.

Used by tests/e2e/test_report.py and by hand:

    .venv/bin/python scripts/report_browser.py warehouse/report.html --png /tmp/report.png

Needs Debian's ``chromium`` package (``apt-get install -y chromium``; ``/usr/bin/chromium``). The page is
driven over the Chrome DevTools Protocol (``--remote-debugging-port``) with the ``websockets`` package
(already installed as a Prefect dependency); no browser download, no Playwright. The screenshot is a
second, plain ``chromium --headless --screenshot`` call, so the PNG is what Chromium itself renders.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")

#: Flags for every launch: no sandbox (root in CI), no GPU, no network chatter of Chromium's own.
BASE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--hide-scrollbars", "--mute-audio",
]


@dataclass
class PageReport:
    """What loading a page produced.

    Attributes:
        errors: console errors, uncaught exceptions and failed loads, one string each.
        text: ``document.body.innerText`` after the page settled.
        charts_rendered: value of ``window.akhbarChartsRendered`` (charts vega-embed finished), or None.
        charts_expected: number of ``div.chart`` elements on the page.
        svg_count: ``svg`` elements inside the chart divs (Vega renders one per chart).
        warnings: console warnings (reported, not failures).
        requests: URL of every request the page made (its own file:// URL first).
    """

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""
    charts_rendered: int | None = None
    charts_expected: int = 0
    svg_count: int = 0
    requests: list[str] = field(default_factory=list)


class _Cdp:
    """A minimal synchronous DevTools Protocol client over one websocket, flattened sessions."""

    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=20)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer to {method} in {timeout} s")
            reply = json.loads(self.ws.recv(timeout=left))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return

    def close(self) -> None:
        self.ws.close()


def _launch(extra: list[str], user_data_dir: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [str(CHROMIUM), *BASE_FLAGS, f"--user-data-dir={user_data_dir}", "--remote-debugging-port=0",
         "--remote-allow-origins=*", *extra, "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        m = re.search(r"DevTools listening on (ws://\S+)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise RuntimeError("chromium did not start its DevTools endpoint:\n" + "".join(seen[-20:]))


def _describe(event: dict[str, Any]) -> tuple[str, str] | None:
    """(severity, text) for a console/log/exception event; None for others."""
    method, p = event.get("method"), event.get("params", {})
    if method == "Runtime.consoleAPICalled":
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
        if p.get("type") in ("error", "assert"):
            return "error", f"console.{p['type']}: {text}"
        if p.get("type") == "warning":
            return "warning", f"console.warn: {text}"
    elif method == "Runtime.exceptionThrown":
        d = p.get("exceptionDetails", {})
        desc = d.get("exception", {}).get("description") or d.get("text")
        return "error", f"uncaught exception: {desc}"
    elif method == "Log.entryAdded":
        e = p.get("entry", {})
        if e.get("level") == "error":
            return "error", f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}".strip()
        if e.get("level") == "warning":
            return "warning", f"log ({e.get('source')}): {e.get('text')}"
    elif method == "Network.loadingFailed":
        return "error", f"failed load: {p.get('errorText')} ({p.get('type')})"
    return None


def inspect_page(html_path: Path, *, settle_seconds: float = 60.0, width: int = 1280,
                 height: int = 900) -> PageReport:
    """Load ``html_path`` (file://) in headless Chromium; collect errors, text and chart state.

    Waits for the load event, then until ``window.akhbarChartsRendered`` equals the number of chart divs
    (or ``settle_seconds`` pass), then one more second for late errors.

    Raises:
        FileNotFoundError: /usr/bin/chromium is missing.
        RuntimeError / TimeoutError: Chromium did not start or answer.
    """
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: apt-get install -y chromium")
    url = Path(html_path).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="akhbar-chromium-")
    proc, ws_url = _launch([f"--window-size={width},{height}"], profile)
    report = PageReport()
    cdp = None
    try:
        cdp = _Cdp(ws_url)
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            cdp.send(f"{domain}.enable", session=session)
        cdp.send("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + settle_seconds
        loaded = False
        while time.monotonic() < deadline and not loaded:
            cdp.pump(0.25)
            loaded = any(e.get("method") == "Page.loadEventFired" for e in cdp.events)

        def evaluate(expr: str) -> Any:
            r = cdp.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=session)
            return r.get("result", {}).get("value")

        report.charts_expected = int(evaluate("document.querySelectorAll('div.chart').length") or 0)
        while time.monotonic() < deadline:
            report.charts_rendered = evaluate("window.akhbarChartsRendered")
            if report.charts_expected == 0 or (report.charts_rendered or 0) >= report.charts_expected:
                break
            cdp.pump(0.25)
        cdp.pump(1.0)
        report.text = evaluate("document.body.innerText") or ""
        report.svg_count = int(evaluate("document.querySelectorAll('div.chart svg').length") or 0)
        for event in cdp.events:
            if event.get("method") == "Network.requestWillBeSent":
                report.requests.append(event["params"]["request"]["url"])
            described = _describe(event)
            if described:
                (report.errors if described[0] == "error" else report.warnings).append(described[1])
        if not loaded:
            report.errors.append(f"no load event within {settle_seconds} s")
    finally:
        if cdp is not None:
            cdp.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return report


def screenshot(html_path: Path, png_path: Path, *, width: int = 1280, height: int = 4000,
               budget_ms: int = 15000) -> Path:
    """Write a PNG of ``html_path`` with ``chromium --headless --screenshot`` (virtual time lets the charts
    render before the shot). Returns ``png_path``.

    Raises:
        FileNotFoundError: /usr/bin/chromium is missing.
        RuntimeError: Chromium wrote no PNG.
    """
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: apt-get install -y chromium")
    png_path = Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    png_path.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="akhbar-chromium-")
    try:
        done = subprocess.run(
            [str(CHROMIUM), *BASE_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png_path}",
             f"--window-size={width},{height}", f"--virtual-time-budget={budget_ms}",
             Path(html_path).resolve().as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}")
    return png_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--png", type=Path, help="also write a screenshot here")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rep = inspect_page(args.html)
    print(f"loaded in {time.perf_counter() - t0:.1f} s; size {args.html.stat().st_size / 1e6:.2f} MB; "
          f"charts rendered {rep.charts_rendered}/{rep.charts_expected}; svg {rep.svg_count}")
    for e in rep.errors:
        print("ERROR", e)
    for w in rep.warnings:
        print("warning", w)
    for url in rep.requests:
        print("request", url[:120])
    if args.png:
        print("screenshot:", screenshot(args.html, args.png))
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
