"""`strat report --pdf FILE`: the review pack's HTML page printed to PDF by a headless
Chromium found on the machine.

Which browser: `$STRAT_CHROMIUM` when set (the operator's environment is trusted; the
repository never chooses it), else the first of `chromium`, `chromium-browser`,
`google-chrome`, `google-chrome-stable` on PATH. It runs with a fresh temporary profile
(removed afterwards), `--headless --print-to-pdf=… --no-pdf-header-footer`, no network
use by the page (the page has no remote resource and a Content-Security-Policy of
`default-src 'none'`), and a timeout; `--no-sandbox` only when run as root, where
Chromium will not start with it. The page's print CSS sets A4. When no browser is
found, or it fails, `PdfProblem` says so in words; the caller writes the bytes
(atomically, through `strat.write.write_output`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV = "STRAT_CHROMIUM"
TIMEOUT = 120  # seconds


class PdfProblem(Exception):
    """No Chromium, or it could not print the page: the message says which and what to do."""


def find_chromium() -> str:
    """The browser to print with, or PdfProblem."""
    chosen = os.environ.get(ENV)
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise PdfProblem(f"{ENV}={chosen}: no such program (or it is not executable); "
                             f"set {ENV} to a Chromium or Chrome binary, or unset it to look on PATH")
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise PdfProblem(f"no Chromium found to print the PDF: looked for {', '.join(NAMES)} on PATH; install one "
                     f"(apt-get install chromium) or set {ENV} to its path. "
                     "`strat report --format html --out FILE` writes the page without a browser")


def print_pdf(page: str, timeout: float = TIMEOUT) -> bytes:
    """The PDF of `page` (an HTML document) as bytes. Raises PdfProblem."""
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="strat-report-") as work:
        folder = Path(work)
        source, target, profile = folder / "review.html", folder / "review.pdf", folder / "profile"
        source.write_text(page, encoding="utf-8")
        profile.mkdir()
        # Chromium refuses to start as root with its sandbox on (containers, CI images).
        root = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        command = [browser, "--headless", *root, "--disable-gpu", "--disable-extensions",
                   "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                   "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=timeout, cwd=work)
        except subprocess.TimeoutExpired:
            raise PdfProblem(f"{browser} did not print the PDF within {timeout:g} seconds") from None
        except OSError as exc:
            raise PdfProblem(f"could not run {browser}: {exc.strerror or exc}") from None
        data = target.read_bytes() if target.is_file() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            tail = f": {said[-1][:300]}" if said else ""
            raise PdfProblem(f"{browser} could not print the PDF (exit {done.returncode}){tail}")
        return data
