"""``joinedup demo`` loads a synthetic authority through the real pipeline into a fresh database."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from joinedup.storage.db import open_database
from joinedup.storage.tables_records import Record
from joinedup.web.app import create_app


@pytest.mark.slow
def test_demo_without_serving_loads_the_synthetic_authority(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("joinedup")
    db_url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    done = subprocess.run(
        [
            str(command) if command.exists() else (shutil.which("joinedup") or "joinedup"),
            "demo",
            "--no-serve",
            "--children",
            "40",
            "--out",
            str(tmp_path / "demo-data"),
            "--db",
            db_url,
        ],
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    written = orjson.loads((tmp_path / "demo-data" / "manifest.json").read_bytes())["records"]
    engine = open_database(db_url)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Record)).scalar_one()
    assert stored == written > 0
    assert b"records" in done.stdout

    # The demo prints one password for its accounts; the front door can really sign in with it.
    found = re.search(r"password for all: (\S+)\)", done.stderr.decode())
    assert found, "the demo must say how to sign in"
    client = TestClient(create_app(engine=engine))
    signed_in = client.post(
        "/sign-in", data={"username": "front.door", "password": found.group(1)}, follow_redirects=False
    )
    assert signed_in.status_code == 303
    refused = TestClient(create_app(engine=engine)).post(
        "/sign-in", data={"username": "front.door", "password": "not the demo password"}, follow_redirects=False
    )
    assert refused.status_code == 200  # the form again, with an error
    engine.dispose()
