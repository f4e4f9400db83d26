"""The migrations build exactly the schema the models describe, and `ardesk init` is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core.migrate import current_revision, head_revision, upgrade
from core.models import Base


def test_it_migrates_to_the_models_schema(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_it_upgrades_idempotently(db):
    assert current_revision(db.engine) == head_revision()
    upgrade(db.engine)  # nothing to do, nothing breaks
    assert current_revision(db.engine) == head_revision()
