"""The learning library's pages on a real app and database (SQLite and PostgreSQL): the list
with theme filters, a review with its evidence and decisions, search with highlights, the
theme chart with its CSV, a theme with its rules, and the rules with their reviews."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.access import sessions
from joinedup.access.accounts import actor_for_user, add_user, resolve_organisation
from joinedup.access.actor import OPERATOR, Actor
from joinedup.learning import library as lib
from joinedup.learning import tagger
from joinedup.web.app import create_app
from joinedup.web.deps import get_actor
from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT
from web.conftest import check_page


def _client(engine: Engine, actor: Actor) -> TestClient:
    app = create_app(engine=engine)
    app.dependency_overrides[get_actor] = lambda: actor
    client = TestClient(app, follow_redirects=False)
    if actor.user_id is not None:
        with engine.begin() as conn:
            token, session = sessions.create_session(conn, actor.user_id)
        client.cookies.set(sessions.COOKIE_NAME, token)
        client.csrf = session.csrf_token  # type: ignore[attr-defined]
    return client


def _user(engine: Engine, username: str, role: str) -> Actor:
    with engine.begin() as conn:
        org = resolve_organisation(conn, "Northtown Children's Services", "childrens_social_care", "Northtown")
        actor = actor_for_user(conn, add_user(conn, username, org, role, password="correct horse battery staple"))
    assert actor is not None
    return actor


@pytest.fixture
def reviews(engine: Engine, tmp_path: Path) -> dict[str, int]:
    ids = {}
    for key, year, area, text in (
        ("a", 2019, "Northshire", DOMESTIC_ABUSE),
        ("b", 2021, "Southshire", f"{NEGLECT}\n\n{HOME_EDUCATION}"),
        ("c", 2021, "Northshire", f"{NEGLECT}\n\n{DOMESTIC_ABUSE}"),
    ):
        path = tmp_path / f"{key}.json"
        path.write_text(
            json.dumps({"title": f"Review of Child {key.upper()}", "year": year, "area": area, "text": text})
        )
        added = lib.add_review_file(engine, path, added_by="test")
        lib.tag_review(engine, added.id)
        ids[key] = added.id
    return ids


def test_the_library_lists_reviews_and_filters_by_theme_year_and_area(engine: Engine, reviews: dict[str, int]) -> None:
    client = _client(engine, OPERATOR)
    page = client.get("/learning")
    assert page.status_code == 200
    check_page(page.text)
    for review_id in reviews.values():
        assert f'href="/learning/reviews/{review_id}"' in page.text
    assert "Domestic abuse and coercive control" in page.text
    by_theme = client.get("/learning?theme=education_not_in_school")
    check_page(by_theme.text)
    assert f'href="/learning/reviews/{reviews["b"]}"' in by_theme.text
    assert f'href="/learning/reviews/{reviews["a"]}"' not in by_theme.text
    by_year_area = client.get("/learning?year=2021&area=Northshire")
    assert f'href="/learning/reviews/{reviews["c"]}"' in by_year_area.text
    assert f'href="/learning/reviews/{reviews["b"]}"' not in by_year_area.text
    none = client.get("/learning?theme=sexual_abuse")
    assert "No reviews match these filters" in none.text


def test_a_review_shows_its_themes_with_evidence_and_a_manager_can_confirm_or_remove(
    engine: Engine, reviews: dict[str, int]
) -> None:
    manager = _user(engine, "lead.one", "manager")
    client = _client(engine, manager)
    url = f"/learning/reviews/{reviews['c']}"
    page = client.get(url)
    assert page.status_code == 200
    shape = check_page(page.text)
    assert shape.h1s[0].strip() == "Review of Child C"
    assert "Neglect, including faltering growth and starvation" in page.text
    assert "tooth decay" in page.text, "the evidencing passage is shown"
    cap = tagger.TaggerSettings.load().long_review
    assert cap is not None
    hint = f"For a review of 1,000 words or more the tagger suggests at most {cap.max_themes} themes"
    assert hint in page.text and 'aria-describedby="add-theme-hint"' in page.text, "a manager is told of the cap"
    removed = client.post(
        f"{url}/themes",
        data={"theme": "neglect", "decision": "remove", "csrf_token": client.csrf},  # type: ignore[attr-defined]
    )
    assert removed.status_code == 303
    confirmed = client.post(
        f"{url}/themes",
        data={"theme": "parental_mental_health", "decision": "confirm", "csrf_token": client.csrf},  # type: ignore[attr-defined]
    )
    assert confirmed.status_code == 303
    detail = lib.review_detail(engine, reviews["c"], include_removed=True)
    status = {t["id"]: t["status"] for t in detail["themes"]}
    assert status["neglect"] == "removed" and status["parental_mental_health"] == "confirmed"
    forged = client.post(f"{url}/themes", data={"theme": "neglect", "decision": "confirm", "csrf_token": "wrong"})
    assert forged.status_code == 403
    assert client.get("/learning/reviews/99999").status_code == 404


def test_who_may_read_and_who_may_decide(engine: Engine, reviews: dict[str, int]) -> None:
    social_worker = _client(engine, _user(engine, "sw.one", "social_worker"))
    page = social_worker.get(f"/learning/reviews/{reviews['a']}")
    assert page.status_code == 200 and "Confirm" not in page.text
    refused = social_worker.post(
        f"/learning/reviews/{reviews['a']}/themes",
        data={"theme": "neglect", "decision": "confirm", "csrf_token": social_worker.csrf},  # type: ignore[attr-defined]
    )
    assert refused.status_code == 403
    admin = _client(engine, _user(engine, "admin.one", "admin"))
    assert admin.get("/learning").status_code == 403


def test_search_highlights_matches_and_keeps_the_filters(engine: Engine, reviews: dict[str, int]) -> None:
    client = _client(engine, OPERATOR)
    page = client.get("/learning/search", params={"q": '"home educated"', "area": "Southshire"})
    assert page.status_code == 200
    check_page(page.text)
    assert "<mark" in page.text and ">home educated</mark>" in page.text
    assert "1 passage found" in page.text
    assert '<option value="Southshire" selected>' in page.text
    escaped = client.get("/learning/search", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in escaped.text
    meaning = client.get("/learning/search", params={"q": "violence between the parents", "mode": "semantic"})
    check_page(meaning.text)
    assert f'href="/learning/reviews/{reviews["a"]}"' in meaning.text


def test_search_by_meaning_says_when_reviews_from_an_earlier_encoder_are_left_out(
    engine: Engine, reviews: dict[str, int]
) -> None:
    from sqlalchemy import update

    from joinedup.storage.tables_learning import Review

    client = _client(engine, OPERATOR)
    query = {"q": "violence between the parents", "mode": "semantic"}
    assert 'data-testid="left-out"' not in client.get("/learning/search", params=query).text
    with engine.begin() as conn:
        conn.execute(update(Review).where(Review.id == reviews["a"]).values(model_version="an earlier encoder"))
    page = client.get("/learning/search", params=query)
    check_page(page.text)
    assert 'data-testid="left-out">1 review in the library' in page.text
    assert f'href="/learning/reviews/{reviews["a"]}"' not in page.text
    keyword = client.get("/learning/search", params={"q": "violence"})
    assert 'data-testid="left-out"' not in keyword.text, "keyword search reads the text, not the vectors"


def test_theme_chart_table_and_csv(engine: Engine, reviews: dict[str, int]) -> None:
    client = _client(engine, OPERATOR)
    page = client.get("/learning/themes")
    assert page.status_code == 200
    check_page(page.text)
    assert "<svg" in page.text and "<polyline" in page.text
    assert "Neglect, including faltering growth and starvation: 2 in 2021" in page.text
    download = client.get("/learning/themes.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert {
        "theme_id": "neglect",
        "label": "Neglect, including faltering growth and starvation",
        "year": "2021",
        "reviews": "2",
    } in rows


def test_a_theme_lists_its_rules_and_reviews_and_a_rule_its_learning(engine: Engine, reviews: dict[str, int]) -> None:
    client = _client(engine, OPERATOR)
    theme = client.get("/learning/themes/neglect")
    assert theme.status_code == 200
    check_page(theme.text)
    assert 'href="/learning/rules?rule=neglect_signs"' in theme.text
    assert f'href="/learning/reviews/{reviews["b"]}"' in theme.text
    assert client.get("/learning/themes/not_a_theme").status_code == 404
    rule = client.get("/learning/rules?rule=neglect_signs")
    shape = check_page(rule.text)
    assert shape.h1s[0].strip() == "Repeated signs of neglect - hunger, food seeking, weight faltering"
    assert f'href="/learning/reviews/{reviews["c"]}"' in rule.text
    every = client.get("/learning/rules")
    check_page(every.text)
    assert every.text.count('class="govuk-summary-card__title"') >= 5


def test_every_learning_page_is_refused_without_a_learning_role(engine: Engine) -> None:
    client = _client(engine, _user(engine, "admin.two", "admin"))
    for url in ("/learning", "/learning/search", "/learning/themes", "/learning/themes.csv", "/learning/rules"):
        assert client.get(url).status_code == 403, url
