"""Every page shares the layout: GOV.UK assets served, error pages with no personal data, and
JSON errors left alone for the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

Check = Callable[[str], Any]


def test_govuk_frontend_assets_are_served_from_node_modules(client: TestClient, page: Check) -> None:
    css = client.get("/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and ".govuk-template" in css.text
    assert client.get("/govuk/govuk-frontend.min.js").status_code == 200
    assert client.get("/assets/images/favicon.svg").status_code == 200
    assert client.get("/static/joinedup.css").status_code == 200


def test_an_unknown_page_is_the_govuk_404_page(client: TestClient, page: Check) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    shape = page(response.text)
    assert shape.h1s == ["Page not found"]


def test_an_unknown_api_path_still_answers_json(client: TestClient, page: Check) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_accessibility_statement_renders(client: TestClient, page: Check) -> None:
    response = client.get("/accessibility")
    assert response.status_code == 200
    page(response.text)


def test_the_home_page_shows_the_operator_every_section(client: TestClient, page: Check) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page(response.text)
    for link in ("/alerts", "/concerns/new", "/uploads/new", "/linkage-review", "/rules", "/audit", "/users"):
        assert f'href="{link}"' in response.text


def test_the_footer_and_header_are_a_councils_not_govuks(client: TestClient, page: Check) -> None:
    """GOV.UK's crown, Crown copyright and Open Government Licence are for GOV.UK only."""
    html = client.get("/accessibility").text
    page(html)
    footer = html[html.index('<footer class="govuk-template__footer">') :]
    for govuk_only in ("govuk-footer__crown", "govuk-logo", "Crown copyright", "copyright-logo", "Open Government"):
        assert govuk_only not in html
    assert "&copy; Northtown Council" in footer and "OFFICIAL-SENSITIVE" in footer
    assert 'href="/accessibility"' in footer
    assert "govuk-header" not in html, "the service navigation heads the page, with no crown header above it"
    assert "/assets/images/favicon" not in html and "govuk-icon" not in html and "manifest.json" not in html
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


def test_the_footer_is_on_error_pages_too(client: TestClient) -> None:
    html = client.get("/no-such-page").text
    assert "&copy; Northtown Council" in html and "Crown copyright" not in html


def test_a_pages_data_is_freed_with_the_response_not_at_the_next_full_collection() -> None:
    """Macros keep Jinja's render context in a reference cycle; ``render_text`` empties it, so
    the data a page was given goes by reference counting alone (here with the collector off)."""
    import gc
    import weakref

    from joinedup.web.pages.templating import render_text

    class Story:
        date_of_birth = None

    story = Story()
    gone = weakref.ref(story)
    context = {"actor": None, "navigation": [], "story": story}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        html = render_text("views/accessibility.html", context)
        assert "Accessibility statement" in html
        del story, context
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_the_server_freezes_its_startup_objects_once_started(db_url: str) -> None:
    """Run in a fresh interpreter: the freeze is process-wide, so in the test worker any earlier
    test that froze or unfroze objects would decide the answer, not the app."""
    import subprocess
    import sys

    script = (
        "import gc, sys\n"
        "from fastapi.testclient import TestClient\n"
        "from joinedup.web.app import create_app\n"
        "before = gc.get_freeze_count()\n"
        "with TestClient(create_app(db_url=sys.argv[1])) as started:\n"
        "    assert started.get('/accessibility').status_code == 200\n"
        "    print(before, gc.get_freeze_count())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, db_url], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = (int(n) for n in done.stdout.split())
    assert before == 0  # nothing froze before the app started
    assert after > 10_000  # the imported libraries, out of every collection's way
