"""Real-browser tests: Playwright driving Debian's chromium against a live
server. Never skipped: a missing browser is a failure, not a skip."""

import os
import shutil

import pytest

from tests.personnel.factories import CadreFactory

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)

# The live server runs in a thread; Django refuses sync ORM calls from a
# thread that also runs an event loop, which Playwright's sync API does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: run `make test` to install it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A browser in China asks for Chinese; tests that need English click
    # the language switcher like a user would.
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def sign_in(page, live_server):
    """sign_in(username, password) through the real sign-in form."""

    def _sign_in(username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("form.stacked button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _sign_in


@pytest.fixture
def trainer_account(transactional_db, province):
    """A trainer who signs in as T0001 (see test_exam_sitting: the role groups
    are synced again, as transactional tests flush them)."""
    from personnel.roles import sync_role_groups

    sync_role_groups()
    return CadreFactory(
        unit=province["root"], role="trainer", name="王培训", employee_no="T0001"
    )
