"""Browser tests: a real ``joinedup serve`` (uvicorn) on a free port over a real database, and
Debian's chromium driven by Playwright (no browser downloads). Every page a test visits is
checked with axe-core (from npm): no serious or critical violations.

``JOINEDUP_SCREENSHOTS=docs/screenshots`` makes each visited page also save a full-page PNG
named after the step (how the README's screenshots are made).
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from joinedup.access.accounts import add_user, resolve_organisation

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("JOINEDUP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"
SCREENSHOTS = os.environ.get("JOINEDUP_SCREENSHOTS")


@functools.cache
def AXE_SOURCE() -> str:  # noqa: N802 - read once, used like a constant
    return AXE.read_text(encoding="utf-8")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)"
    if not AXE.exists():
        return "node_modules/axe-core is missing: run `make setup` (npm ci)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed in the venv"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = _missing()
    if problem:
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(db_url: str, engine: Engine, tmp_path: Path) -> Iterator[str]:
    """``joinedup serve`` in its own process on the test's database; yields the base URL."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    joinedup = shutil.which("joinedup", path=str(Path(sys.executable).parent)) or "joinedup"
    process = subprocess.Popen(
        [joinedup, "serve", "--port", str(port), "--db", db_url], stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server stopped: {(tmp_path / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/sign-in", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 60 seconds")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def user(engine: Engine) -> Callable[..., str]:
    """``user(name, role, organisation=..., agency=..., local_authority=...)``: a real account."""

    def make(
        username: str,
        role: str,
        *,
        organisation: str = "Springfield Primary",
        agency: str = "school",
        local_authority: str = "Northtown",
    ) -> str:
        with engine.begin() as conn:
            org = resolve_organisation(conn, organisation, agency, local_authority)
            add_user(conn, username, org, role, password=PASSWORD)
        return username

    return make


class Visit:
    """Drives one person's browser tab and checks every page it lands on."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.checked: list[str] = []
        self.refused: list[str] = []  # what the page's Content-Security-Policy blocked
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def check(self, name: str) -> None:
        """axe-core on the page as it is now (and nothing the CSP refused); a screenshot too
        when asked for. axe is evaluated through the DevTools protocol, which the page's CSP
        does not govern, so the page itself runs under its real policy."""
        assert not self.refused, f"{name} ({self.page.url}): the CSP refused: {self.refused[:3]}"
        self.page.evaluate(AXE_SOURCE())
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, f"{name} ({self.page.url}): " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad
        )
        self.checked.append(name)
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def go(self, path: str, name: str) -> None:
        self.page.goto(self.base + path)
        self.check(name)

    def sign_in(self, username: str) -> None:
        self.page.goto(self.base + "/sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password", exact=True).fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()


@pytest.fixture
def visit(browser: Any, server: str) -> Iterator[Callable[[], Visit]]:
    """``visit()`` opens a fresh browser context (a separate person) on the live server."""
    contexts: list[Any] = []

    def open_tab() -> Visit:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Visit(context.new_page(), server)

    yield open_tab
    for context in contexts:
        context.close()
