"""The console's people: Ada the admin and Gus the agent, and signing in as they would."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from core import ar_users
from core.db import Database
from core.models import ARRole
from tests.web.conftest import csrf_token

PASSWORD = "correct horse battery staple"


@dataclass
class Team:
    admin: int
    agent: int


@pytest.fixture
def team(db: Database) -> Team:
    with db.admin_session() as s:
        ada = ar_users.add(s, "ada@supplier.example", "Ada Admin", ARRole.admin, PASSWORD)
        gus = ar_users.add(s, "gus@supplier.example", "Gus Agent", ARRole.agent, PASSWORD)
        return Team(ada.id, gus.id)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, code: str = "", **extra):
    page = client.get("/ar/sign-in")
    form = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
    return client.post("/ar/sign-in", data={**form, "code": code, **extra})


@pytest.fixture
def admin(client: FlaskClient, team: Team) -> FlaskClient:
    assert sign_in(client, "ada@supplier.example").status_code == 303
    return client


@pytest.fixture
def agent(client: FlaskClient, team: Team) -> FlaskClient:
    assert sign_in(client, "gus@supplier.example").status_code == 303
    return client
