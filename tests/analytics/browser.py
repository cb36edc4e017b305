"""Open a report in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def need_chromium() -> None:
    """Skip (with the reason) only when Chromium is absent and this is not CI."""
    if not CHROMIUM.exists() and os.environ.get("CI", "").lower() not in ("1", "true"):
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium package)")


@dataclass
class PageCheck:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    images: int = 0
    broken_images: int = 0
    figures: int = 0  # inline SVG figures
    blank_figures: int = 0  # of them, drawn with no size or no mark
    title: str = ""
    text: str = ""


def open_report(html_path: Path, screenshot: Path) -> PageCheck:
    """Load the file, record console errors and every request, save a full-page screenshot."""
    from playwright.sync_api import sync_playwright

    check = PageCheck()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.on(
                "console",
                lambda m: check.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: check.page_errors.append(str(e)))
            page.on("request", lambda r: check.requests.append(r.url))
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            check.title = page.title()
            check.text = page.inner_text("body")
            check.images = page.locator("img").count()
            check.broken_images = int(
                page.evaluate(
                    "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                    ".length"
                )
            )
            check.figures = page.locator("figure > svg").count()
            check.blank_figures = int(
                page.evaluate(
                    "Array.from(document.querySelectorAll('figure > svg')).filter(s => {"
                    " const r = s.getBoundingClientRect();"
                    " return r.width === 0 || r.height === 0 || !s.querySelector('path'); })"
                    ".length"
                )
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return check
