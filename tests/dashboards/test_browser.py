"""End to end in a real browser: Debian's Chromium driven by Playwright (from pip; its own browser
download is never used) against the app served on localhost over the fixture warehouse.
Screenshots go to tests/artifacts/ (ignored by git): look at them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = {  # url path: the page's title (dashboards/strings.py)
    "": "Overview 总览", "districts_queues": "Districts and queues 区域与技能组", "agents": "Agents 坐席",
    "repeat_calls": "Repeat calls 重复来电", "tickets": "Tickets 工单", "satisfaction": "Satisfaction 满意度",
    "quality": "Quality 质检", "data_health": "Data health 数据状态", "workforce": "Workforce 排班",
}  # fmt: skip
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PASSWORD = "browser-test-password"
USERS = {  # username: role, team, agent (the fixture center: Team 1 is 1001 and 1002)
    "boss": ("manager", None, None), "wang": ("team_leader", "Team 1", None), "li": ("agent", None, "1002"),
    "qa": ("quality", None, None), "ana": ("analyst", None, None),
}  # fmt: skip
NAMES = {"王芳": "Team 1", "李强": "Team 1", "陈静": "Team 2", "刘洋": "Team 2"}


@pytest.fixture(scope="module")
def served_app(tmp_path_factory, published_fixture):
    """One server for the module's tests (each test logs in in a page of its own)."""
    from dashboards import users

    tmp_path = tmp_path_factory.mktemp("served")
    for name, (role, team, agent) in USERS.items():
        users.add(name, PASSWORD, role, team, agent, path=tmp_path / "users.json")
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_fixture, warehouse)  # the pages need the published file only
    status = published_fixture.with_name(published_fixture.name + ".status.json")
    shutil.copyfile(status, warehouse.with_name(warehouse.name + ".status.json"))
    port = _free_port()
    env = {**os.environ, "DUCKDB_DATABASE": str(warehouse), "CENTER_TIMEZONE": "Asia/Shanghai",
           "DASHBOARD_USERS": str(tmp_path / "users.json")}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboards" / "streamlit_app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("streamlit did not become healthy within 60 s")
    yield url
    os.killpg(server.pid, 9)
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _wait_for_app(page, title: str | None = None) -> None:
    """Wait until the page's script has run: its title is shown and Streamlit is idle."""
    page.wait_for_selector("h1", timeout=60_000)
    if title:
        page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    time.sleep(0.5)  # let Plotly lay out before a screenshot


def _log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username 用户名").fill(username)
    page.get_by_label("Password 密码").fill(PASSWORD)
    page.get_by_role("button", name="Log in 登录").click()
    _wait_for_app(page, PAGES[""])


def _go(page, title: str) -> None:
    """Open a page from the sidebar (the same session: a reload would ask for the login again)."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    _wait_for_app(page, title)


def test_every_page_in_a_real_browser(served_app, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    _log_in(page, served_app, "boss")
    for name, title in PAGES.items():
        _go(page, title)
        assert page.locator("[data-testid='stException']").count() == 0, name
        page.screenshot(path=str(ARTIFACTS / f"page_{name or 'overview'}.png"), full_page=True)

    # A number on screen: CSAT of the fixture center is 2 of 3 scored responses.
    _go(page, PAGES["satisfaction"])
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    assert page.get_by_text("66.7%").first.is_visible()

    # Change a filter (the agents page's period) and wait for the chart again.
    _go(page, PAGES["agents"])
    page.get_by_text("Month 月", exact=True).click()
    _wait_for_app(page, PAGES["agents"])
    page.wait_for_selector(".js-plotly-plot", timeout=30_000)
    # The month selector appears, set to March 2024 (the fixture's only month).
    assert page.get_by_text("2024-03-01").count() > 0
    page.screenshot(path=str(ARTIFACTS / "page_agents_month.png"), full_page=True)

    # Download a table.
    _go(page, PAGES["tickets"])
    page.get_by_role("tab", name="Table 表格").first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert text.startswith("ticket_type,severity") and "complaint" in text

    # The language switch: Chinese only, then English only; the navigation, the titles, the tiles,
    # the weekday, the tabs and the download buttons follow (the data do not change).
    _go(page, PAGES[""])
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("中文", exact=True).click()
    _wait_for_app(page, "总览")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "接通率" in body and "星期六" in body  # 9 March 2024, the newest day, was a Saturday
    assert "Connect rate" not in body and "Saturday" not in body
    page.screenshot(path=str(ARTIFACTS / "overview_zh.png"), full_page=True)
    page.locator("[data-testid='stSidebarNav']").get_by_text("工单", exact=True).click()
    _wait_for_app(page, "工单")
    page.get_by_role("tab", name="表格").first.click()
    assert page.get_by_role("button", name="下载 CSV").count() > 0
    assert page.get_by_role("button", name="Download CSV").count() == 0
    sidebar.get_by_text("English", exact=True).click()
    _wait_for_app(page, "Tickets")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Overview", exact=True).click()
    _wait_for_app(page, "Overview")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Connect rate" in body and "Saturday" in body and "接通率" not in body
    page.screenshot(path=str(ARTIFACTS / "overview_en.png"), full_page=True)


# The roles whose rows are scoped (a team, one agent) and the manager's whole view; quality and
# analyst are checked page by page in AppTest (tests/dashboards/test_access.py).
@pytest.mark.parametrize("username", ["boss", "wang", "li"])
def test_each_role_in_a_real_browser(served_app, browser, tmp_path, username):
    """Log in as the role; on every page it may open, and in the agents table's download, no
    name of an agent it may not see appears; pages of other roles are not offered."""
    from dashboards.access import Viewer

    role, team, agent = USERS[username]
    viewer = Viewer(username, role, team, agent)
    allowed = {
        "manager": set(NAMES), "quality": set(NAMES), "analyst": set(),
        "team_leader": {n for n, t in NAMES.items() if t == team}, "agent": {"李强"},
    }[role]  # fmt: skip
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    _log_in(page, served_app, username)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    seen = ""
    for name, title in PAGES.items():
        if not viewer.may_open(name or "overview"):
            assert title not in nav, (role, title)
            continue
        _go(page, title)
        assert page.locator("[data-testid='stException']").count() == 0, (role, name)
        seen += page.locator("body").inner_text()
        if name == "agents":  # the month's ranking (the newest day has no calls of Team 1)
            page.get_by_text("Month 月", exact=True).click()
            _wait_for_app(page, title)
            seen += page.locator("body").inner_text()
            with page.expect_download() as download:
                page.get_by_role("button", name="Download CSV").first.click()
            seen += download.value.path().read_text(encoding="utf-8-sig")
    page.screenshot(path=str(ARTIFACTS / f"role_{role}.png"), full_page=True)
    assert not [n for n in set(NAMES) - allowed if n in seen], role
    if role in ("manager", "team_leader", "agent"):  # scoped, not emptied
        assert all(n in seen for n in allowed), role
