"""Helpers for driving the portal in Debian's headless Chromium (Playwright, no download)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared.settings import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "demo-wachtwoord-lang-genoeg"


def add_account(data_dir: Path, email: str, org: str, role: str) -> None:
    """`woonregie users add`, exactly as the README tells an operator to."""
    result = subprocess.run(
        [sys.executable, "-m", "shared.local.cli", "users", "add", "--org", org, "--role", role,
         "--email", email, "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=REPO_ROOT,
        env={**os.environ, "WOONREGIE_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


@contextmanager
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class Person:
    """One person in their own browser context (own cookies), checking every page they see."""

    def __init__(self, browser, base_url: str, email: str, password: str = PASSWORD):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="nl-NL")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.email = email
        self.password = password
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def log_in_by_keyboard(self) -> None:
        """The login form with the keyboard alone: Tab to each field, type, Enter."""
        self.page.goto(self.base_url + "/inloggen")
        self.check()
        self.page.keyboard.press("Tab")  # the skip link comes first
        assert self.page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
        self.page.focus("#email")
        self.page.keyboard.type(self.email)
        self.page.keyboard.press("Tab")
        assert self.page.evaluate("document.activeElement.id") == "password"
        self.page.keyboard.type(self.password)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        assert self.page.url == self.base_url + "/"
        self.check()

    def submit_and_confirm(self, button: str) -> None:
        """Submit a form, then confirm on the confirmation page (with the keyboard)."""
        with self.page.expect_navigation():
            self.page.click(button)
        self.page.wait_for_selector("#bevestigen")
        self.check()
        self.page.focus("#bevestigen")
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.check()

    def check(self) -> None:
        """axe-core finds no WCAG 2.1 A/AA violation; no personal data in the address."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag",
                                                            "values": WCAG_TAGS}})
        assert results.response["violations"] == [], (self.page.url,
                                                      results.generate_report())
        assert self.problems == [], self.problems

    def storage_is_empty(self) -> bool:
        return self.page.evaluate("localStorage.length + sessionStorage.length") == 0

    def close(self) -> None:
        self.context.close()


def poll(fetch, until, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if until(value):
            return value
        assert time.monotonic() < deadline, f"gave up waiting; last value: {value}"
        time.sleep(0.5)
