"""roster.html: self-contained, escaped, and checked in a real headless browser (Debian's Chromium)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from optimizer.files import write_atomic
from optimizer.roster import Roster
from optimizer.scenario import Scenario
from optimizer.views.board import board_html
from tests.view_cases import (
    HOSTILE,
    HOSTILE_PATIENT,
    HOSTILE_THERAPIST,
    SAT_GROUP,
    SUN_INDIVIDUAL,
    dst_week,
    solved_small,
)

CHROMIUM = Path("/usr/bin/chromium")
# Flags that work as root in a container; playwright adds --headless and --no-sandbox's peers itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_names_are_escaped_in_the_markup() -> None:
    """A name holding <script>, & and quotes is escaped text; the page has exactly one script, ours."""
    html = board_html(*dst_week())
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    assert html.count("<script") == 1
    assert "Harbor &amp; Co &lt;IOP&gt;" in html


def test_page_is_self_contained_and_only_its_own_script_may_run() -> None:
    """No src or external href, nothing fetched; the policy allows just the inline script, by hash."""
    html = board_html(*dst_week())
    assert " src=" not in html
    assert re.findall(r'href="([^"#][^"]*)"', html) == []
    assert "http://" not in html and "https://" not in html and "@import" not in html
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy and "default-src 'none'" in policy.group(1)
    script = re.search(r"<script>(.*)</script>", html, re.S)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy.group(1)


def test_shortfalls_section_lists_declared_shortfalls() -> None:
    """Declared shortfalls are listed with what is missing; the patient's schedule is marked short."""
    html = board_html(*dst_week(shortfall=True))
    section = html[html.index('id="shortfalls"') : html.index('class="charts"')]
    assert "Cy Diaz" in section and "H4" in section and ">3<" in section and "weekends" in section
    assert re.search(r'<article class="patient short" id="patient-2" data-search="p3 cy diaz">', html)
    assert "No shortfalls declared" in board_html(*dst_week())


def test_boards_per_room_and_per_clinician() -> None:
    """One board per room, one for appointments, one per clinician; each session on its boards."""
    scenario, roster = dst_week()
    html = board_html(scenario, roster)
    boards = re.findall(r'<article class="board \w+" id="([\w-]+)">', html)
    assert boards == ["room-0", "room-1", "appointments", "clinician-0", "clinician-1", "clinician-2"]
    # the Saturday group: on room A's board, on T1's board, and in three patients' schedules
    assert html.count(f'data-session="{SAT_GROUP}"') == 1 + 1 + 3
    assert html.count(f'data-session="{SUN_INDIVIDUAL}"') == 1 + 1 + 1


# -- in a real browser --------------------------------------------------------------------------


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        "no browser: /usr/bin/chromium is missing (`make test` installs Debian's chromium with apt-get "
        "where apt is available and it runs as root)"
    )
    if os.environ.get("CI") and shutil.which("apt-get") and os.geteuid() == 0:
        pytest.fail(reason + "; here apt-get could have installed it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, shared by this module's browser tests."""
    _require_browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        yield context
        context.close()


class Opened:
    """A page opened from a file, with every console error, page error and dialog it raised."""

    def __init__(self, context: Any, path: Path) -> None:
        self.problems: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type in (
            "error", "warning") else None)  # fmt: skip
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")


def _page(context: Any, tmp_path: Path, scenario: Scenario, roster: Roster) -> Opened:
    path = write_atomic(tmp_path / "roster.html", board_html(scenario, roster))
    return Opened(context, path)


def test_every_session_shows_and_the_page_raises_no_error(browser: Any, tmp_path: Path) -> None:
    """The solved example: each session is on a board, no console error, a screenshot is taken."""
    scenario, roster = solved_small()
    opened = _page(browser, tmp_path, scenario, roster)
    page = opened.page
    for s in roster.sessions:
        where = "#rooms" if s.is_group else "#appointments"
        assert page.locator(f'{where} [data-session="{s.id}"]').count() == 1, s.id
        assert page.locator(f'#clinicians [data-session="{s.id}"]').count() == len(set(s.therapists)), s.id
    assert page.locator("#patients .patient").count() == len(scenario.patients)
    shot = tmp_path / "roster.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert opened.problems == []


def test_hostile_names_are_text_not_code(browser: Any, tmp_path: Path) -> None:
    """Names with <script>alert(1)</script> & "quotes" show verbatim and nothing runs."""
    opened = _page(browser, tmp_path, *dst_week(shortfall=True))
    page = opened.page
    assert page.locator("script").count() == 1
    assert HOSTILE_THERAPIST in page.locator("#clinicians h3").all_inner_texts()
    assert page.locator("#patient-0 h3").inner_text() == HOSTILE_PATIENT
    assert page.title() == "Harbor & Co <IOP> — roster, week of Monday 26 October 2026"
    page.screenshot(path=str(tmp_path / "hostile.png"))
    assert opened.problems == []


def test_patient_finder_filters_by_name_and_shortfall(browser: Any, tmp_path: Path) -> None:
    """Typing a name leaves that patient's schedule; the shortfall box leaves the short ones."""
    opened = _page(browser, tmp_path, *dst_week(shortfall=True))
    page = opened.page
    visible = "#patients .patient:not([hidden])"
    assert page.locator(visible).count() == 4
    page.fill("#finder-query", "BO CH")
    assert page.locator(visible).all_inner_texts()[0].startswith("Bo Chen")
    assert page.locator(visible).count() == 1
    assert page.locator("#finder-count").inner_text().startswith("1 of 4 patients")
    page.fill("#finder-query", "")
    page.check("#finder-short")
    assert [t.split("\n")[0] for t in page.locator(f"{visible} h3").all_inner_texts()] == ["Cy Diaz"]
    assert opened.problems == []


def test_print_gives_one_landscape_page_per_board(browser: Any, tmp_path: Path) -> None:
    """Printed: the overview on the first page, then exactly one landscape page per board."""
    scenario, roster = solved_small()
    opened = _page(browser, tmp_path, scenario, roster)
    page = opened.page
    boards = page.locator("article.board").count()
    assert boards == len(scenario.rooms) + 1 + len(scenario.therapists)
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (tmp_path / "roster.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    assert len(pages) == 1 + boards
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert width > height
    assert opened.problems == []
