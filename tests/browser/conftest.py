"""Browser tests: Playwright driving Debian's Chromium against a whole stack of their own.

`make browser` runs this folder (`make test` runs it with every other tier). One stack per session:
nginx + the four services on free ports, the built SPA (frontend/dist; the placeholder page while there is
none), demo data (SEED_DEMO=1: 40 doctors in 18 specializations, the demo admin, doctor and patient), and
Google sign-in pointed at a real OpenID provider (npm oidc-provider) on loopback. Every test here is marked
`browser` (`pytest -m browser`, `-m "not browser"`).

Fixtures (this conftest)
    stack: StackUnderTest           session; .url (http://127.0.0.1:<port>) for API calls, .directory,
                                    .run("admin", ...) and the rest of tests/e2e/stack.py
    base_url: str                   session; http://localhost:<port>, the PUBLIC_BASE_URL mails link to; pages
                                    open on it, so page.goto("/doctors") works
    oidc_provider: OidcProviderProcess
                                    session; .issuer; its client is OIDC_CLIENT_ID / OIDC_CLIENT_SECRET
    mailbox: Mailbox                session; the stack's mail sink (people.Mailbox)
    admin: Account                  session; an admin made as `make admin` does
    browser: playwright Browser     session; Chromium, headless
    new_page(device="desktop", **context_options) -> Page
                                    function; a page in a fresh context (own cookies) per call, as "desktop"
                                    (1280x800) or "phone" (375x812, is_mobile, has_touch); locale en-US, time
                                    zone Europe/Berlin, 10 s default timeout. Several calls: several people
    page: Page                      function; new_page() run twice per test, ids [desktop] and [phone]
    desktop_page, phone_page: Page  function; one device only
    actions: ActionCounter          function; ActionCounter(page)
  A failing test leaves a screenshot of each of its pages: screenshots/failed-<test>-<n>-<device>.png.

tests/browser/helpers.py
    DESKTOP, PHONE: Device; DEVICES = {"desktop": DESKTOP, "phone": PHONE}; device_of(page) -> Device
    screenshot(page, name, *, full_page=True) -> Path       tests/browser/screenshots/<name>-<device>.png
    console_errors(page, *, everywhere=False) -> list[str]
                                        console errors, uncaught exceptions, failed requests while the page
                                        was on our site (an HTTP error status such as /auth/me's 401 is not
                                        one: it is the API answering; every host but localhost fails to
                                        resolve, so a page wanting the internet shows up here)
    axe(page, name=None, *, options=None) -> list[violation]   axe-core from frontend/node_modules (run
                                        in the page despite its CSP); writes every result to
                                        tests/browser/axe-results/<name or URL path>-<device>.json
    assert_accessible(page, name=None, *, impacts=("serious", "critical")) -> list[violation]
                                        fails listing each blocking violation and element; returns all
    describe_violations(violations) -> str
    ActionCounter(page): .click(locator, **options), .fill(locator, text), .press(key, locator=None),
                         .select(locator, value), .check(locator); .count, .log (what was done), .reset()
    base_url_of(page) -> str

tests/browser/people.py
    Account(email, password, full_name, role, user_id, doctor_id=None)
        .api(stack) -> a signed-in BrowserSession (tests/e2e/browser.py) of the account
    create_admin(stack, *, email=None) -> Account
    create_doctor(stack, admin, *, full_name=None, specializations=("cardiology",), time_zone="Europe/Berlin",
                  schedule=None, profile=None) -> Account   (account, password from the mailed link, Doctor-MS
                  profile; with schedule=every_day() also the week, returning once its slots are offered)
    create_patient(stack, *, full_name="Pat Example", profile=None) -> Account
    every_day(start="08:00", end="18:00", *, zone="Europe/Berlin") -> schedule document
    wait_until_bookable(stack, doctor_id, *, timeout=15) -> next slot
    sign_in(page, account)              the page's context signed in through the API (not through the UI)
    sign_in_at_provider(page, login, *, back_to=None)   be the user at the OpenID provider's login and consent
    Mailbox(directory): .wait_for(*, to, subject="", timeout=15) -> Message, .token_for(...), .link_for(...)
    unique_email(name); PASSWORD; DEMO_PASSWORD, DEMO_ADMIN, DEMO_DOCTOR, DEMO_PATIENT
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from services.auth.tests.integration.oidc_provider_process import OidcProviderProcess
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    DEVICES,
    PHONE,
    ActionCounter,
    Device,
    screenshot,
    watch,
)
from tests.browser.people import OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, Account, Mailbox, create_admin
from tests.e2e.stack import PrivateRedis, StackUnderTest

HERE = Path(__file__).resolve().parent
CALLBACK = "/api/v1/auth/oauth/google/callback"
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(scope="session")
def _hospital(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StackUnderTest, OidcProviderProcess]]:
    root = tmp_path_factory.mktemp("browser-stack")
    (root / "redis").mkdir()
    redis = PrivateRedis(root / "redis")
    test_stack = StackUnderTest(directory=root / "state", redis=redis)  # picks the gateway port first
    public_url = f"http://localhost:{test_stack.gateway_port}"  # PUBLIC_BASE_URL of the stack's services
    provider = OidcProviderProcess(
        client_id=OIDC_CLIENT_ID,
        client_secret=OIDC_CLIENT_SECRET,
        redirect_uri=public_url + CALLBACK,
        log_path=root / "oidc-provider.log",
    )
    # supervisord hands the environment of `tools.stack up` to every program, so Auth-MS reads these.
    test_stack.env |= {
        "SEED_DEMO": "1",
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": OIDC_CLIENT_ID,
        "OIDC_CLIENT_SECRET": OIDC_CLIENT_SECRET,
        "OIDC_REDIRECT_URI": public_url + CALLBACK,
    }
    redis.start()
    try:
        provider.start()
        test_stack.run("up")
        started = test_stack.get("/api/v1/auth/oauth/google/start", allow_redirects=False)
        assert started.status_code == 302 and started.headers["Location"].startswith(provider.issuer), (
            f"Auth-MS did not take the test OpenID provider from the environment: {started.status_code}"
            f" {started.headers.get('Location')} {started.text[:300]}"
        )
        yield test_stack, provider
    finally:
        test_stack.run("down", "--drop-databases", check=False)
        provider.stop()
        redis.stop()


@pytest.fixture(scope="session")
def stack(_hospital: tuple[StackUnderTest, OidcProviderProcess]) -> StackUnderTest:
    return _hospital[0]


@pytest.fixture(scope="session")
def oidc_provider(_hospital: tuple[StackUnderTest, OidcProviderProcess]) -> OidcProviderProcess:
    return _hospital[1]


@pytest.fixture(scope="session")
def base_url(stack: StackUnderTest) -> str:
    return f"http://localhost:{stack.gateway_port}"


@pytest.fixture(scope="session")
def mailbox(stack: StackUnderTest) -> Mailbox:
    return Mailbox(stack.directory / "mail")


@pytest.fixture(scope="session")
def admin(stack: StackUnderTest) -> Account:
    return create_admin(stack)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium (as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, base_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    opened: list[Page] = []

    def open_page(device: str | Device = DESKTOP.name, **context_options: Any) -> Page:
        chosen = DEVICES[device] if isinstance(device, str) else device
        options = {"base_url": base_url, "locale": "en-US", "timezone_id": "Europe/Berlin"}
        context = browser.new_context(**options | chosen.context_options() | context_options)
        context.set_default_timeout(10_000)
        page = watch(context.new_page(), chosen, base_url=base_url)
        opened.append(page)
        return page

    yield open_page
    test_name = re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)
    for number, page in enumerate(opened, start=1):
        if request.node.stash.get(FAILED, False) and not page.is_closed():
            screenshot(page, f"failed-{test_name}-{number}")
        page.context.close()


@pytest.fixture(params=[DESKTOP.name, PHONE.name])
def page(new_page: Callable[..., Page], request: pytest.FixtureRequest) -> Page:
    return new_page(request.param)


@pytest.fixture
def desktop_page(new_page: Callable[..., Page]) -> Page:
    return new_page(DESKTOP.name)


@pytest.fixture
def phone_page(new_page: Callable[..., Page]) -> Page:
    return new_page(PHONE.name)


@pytest.fixture
def actions(page: Page) -> ActionCounter:
    return ActionCounter(page)
