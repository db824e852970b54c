"""What a browser test does besides clicking: screenshots, axe checks, counted actions, console errors.

Accounts and mail are in tests/browser/people.py; the fixtures and the full API are described in conftest.py.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCREENSHOTS = HERE / "screenshots"
AXE_RESULTS = HERE / "axe-results"
AXE_SOURCE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, and this closed network refuses it.
# The resolver rule answers every host but localhost and 127.0.0.1 with "not found" at once (IP literals
# included), without asking DNS: a page that wants something from the internet (a web font, a CDN script)
# fails here as it would offline, and console_errors shows it.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]  # fmt: skip
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class Device:
    """A screen the SPA must work on; its name ends every screenshot's and axe result's file name."""

    name: str
    width: int
    height: int
    is_mobile: bool = False
    has_touch: bool = False

    def context_options(self) -> dict[str, Any]:
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.is_mobile,
            "has_touch": self.has_touch,
        }


DESKTOP = Device("desktop", 1280, 800)
PHONE = Device("phone", 375, 812, is_mobile=True, has_touch=True)
DEVICES = {device.name: device for device in (DESKTOP, PHONE)}

_devices: weakref.WeakKeyDictionary[Page, Device] = weakref.WeakKeyDictionary()
_problems: weakref.WeakKeyDictionary[Page, list[tuple[str, str]]] = weakref.WeakKeyDictionary()
_base_urls: weakref.WeakKeyDictionary[Page, str] = weakref.WeakKeyDictionary()


def device_of(page: Page) -> Device:
    """The device a page was opened as (by the fixtures), or the one its viewport is closest to."""
    if page in _devices:
        return _devices[page]
    width = (page.viewport_size or {"width": DESKTOP.width})["width"]
    return PHONE if width < 768 else DESKTOP


def base_url_of(page: Page) -> str:
    """The gateway URL the page's context was opened on (its relative URLs resolve against it)."""
    return _base_urls.get(page) or page.evaluate("location.origin")


def watch(page: Page, device: Device, *, base_url: str) -> Page:
    """Remember the page's device and base URL, and collect what goes wrong in it (see console_errors)."""
    _devices[page] = device
    _base_urls[page] = base_url
    problems: list[tuple[str, str]] = []  # (the page's URL then, what happened)
    _problems[page] = problems

    def note(what: str) -> None:
        problems.append((page.url, what))

    def on_console(message: Any) -> None:
        # An HTTP error answer is the API speaking (401 before sign-in, 404 for a missing favicon), and the
        # test checks what the page does with it; Chromium's "Failed to load resource" line is not a bug.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            note(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_request_failed(request: Any) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a navigation cancels the previous page's requests
            note(f"request failed: {request.method} {request.url}: {failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: note(f"uncaught exception: {error}"))
    page.on("requestfailed", on_request_failed)
    return page


def console_errors(page: Page, *, everywhere: bool = False) -> list[str]:
    """Console errors, uncaught exceptions and failed (not merely non-2xx) requests on our site so far.

    What happened while the page was elsewhere (the OpenID provider's pages) counts only with everywhere=True.
    """
    site = _base_urls.get(page, "")
    return [what for url, what in _problems.get(page, []) if everywhere or url.startswith(site)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "home"


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save tests/browser/screenshots/<name>-<desktop|phone>.png and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{_slug(name)}-{device_of(page).name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe(
    page: Page, name: str | None = None, *, options: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return the violations, and write every result as JSON.

    The file is tests/browser/axe-results/<name>-<desktop|phone>.json (name defaults to the URL's path).
    """
    if not AXE_SOURCE.exists():
        raise AssertionError(
            f"{AXE_SOURCE.relative_to(REPO)} is missing: axe-core must be a devDependency of"
            " frontend/package.json, installed by `make frontend`"
        )
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through DevTools rather than added as an inline <script>: the gateway's CSP (script-src
        # 'self') refuses inline scripts, and the refusal would be a console error of its own.
        page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate("options => window.axe.run(document, options)", options or {})
    AXE_RESULTS.mkdir(exist_ok=True)
    label = _slug(name or urlsplit(page.url).path)
    summary = {
        "url": page.url,
        "device": device_of(page).name,
        "axe_version": results.get("testEngine", {}).get("version"),
        "counts": {kind: len(results.get(kind, [])) for kind in ("violations", "incomplete", "passes")},
        "violations": results["violations"],
        "incomplete": results["incomplete"],
    }
    path = AXE_RESULTS / f"{label}-{device_of(page).name}.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return results["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """axe's violations as lines a person reads: rule, impact, help, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation.get('impact')}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation.get("nodes", []):
            lines.append(f"    at {' '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_accessible(
    page: Page, name: str | None = None, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS
) -> list[dict[str, Any]]:
    """Fail when axe finds a violation of one of these impacts; return all violations (minor ones too)."""
    violations = axe(page, name)
    blocking = [v for v in violations if v.get("impact") in impacts]
    assert not blocking, f"{len(blocking)} {'/'.join(impacts)} axe violations on {page.url}:\n" + (
        describe_violations(blocking)
    )
    return violations


@dataclass
class ActionCounter:
    """Does a person's UI actions on a page and counts them: one click, one fill, one key press each."""

    page: Page
    log: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.log)

    def _did(self, what: str) -> None:
        self.log.append(what)

    def click(self, locator: Locator, **options: Any) -> None:
        locator.click(**options)
        self._did(f"click {locator}")

    def fill(self, locator: Locator, text: str) -> None:
        locator.fill(text)
        self._did(f"fill {locator} with {text!r}")

    def press(self, key: str, locator: Locator | None = None) -> None:
        """A key press (Enter, Tab, ArrowDown, ...) on the locator, or wherever the focus is."""
        if locator is None:
            self.page.keyboard.press(key)
        else:
            locator.press(key)
        self._did(f"press {key}")

    def select(self, locator: Locator, value: str | list[str]) -> None:
        locator.select_option(value)
        self._did(f"select {value!r} in {locator}")

    def check(self, locator: Locator) -> None:
        locator.check()
        self._did(f"check {locator}")

    def reset(self) -> None:
        self.log.clear()
