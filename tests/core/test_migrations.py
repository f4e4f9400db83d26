"""The migrations build exactly the schema the models describe, and `ardesk init` is idempotent."""

from __future__ import annotations

import ast
from pathlib import Path

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


# The head of the last release (git tag release-0.1). Migrations after it may only expand the
# schema, so that the release keeps running while they are applied (docs/operations.md,
# Upgrading); what they would remove waits for a release no running version needs it in. A
# foreign key may go: a relaxed constraint refuses nothing the running release writes.
RELEASED = "0013"
CONTRACTING = {"drop_table", "drop_column", "drop_constraint", "rename_table", "alter_column"}


def contractions(source: str) -> set[str]:
    """What the ``upgrade`` of a migration's source removes or changes, by operation."""
    tree = ast.parse(source)
    [upgrade_fn] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"]
    found = set()
    for node in ast.walk(upgrade_fn):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr in CONTRACTING and not _drops_a_foreign_key(node):
            found.add(node.func.attr)
    return found


def _drops_a_foreign_key(call: ast.Call) -> bool:
    return call.func.attr == "drop_constraint" and any(  # type: ignore[attr-defined]
        k.arg == "type_" and isinstance(k.value, ast.Constant) and k.value.value == "foreignkey"
        for k in call.keywords
    )


def test_migrations_since_the_last_release_only_expand_the_schema():
    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config())
    unreleased = [
        script
        for script in scripts.walk_revisions(base=RELEASED, head="heads")
        if script.revision != RELEASED
    ]
    for script in unreleased:
        removed = contractions(Path(script.path).read_text())
        assert not removed, f"{script.revision} removes or changes: {removed}"


def test_only_a_foreign_key_may_be_dropped_before_the_next_release():
    def upgrade(body: str) -> str:
        return "def upgrade():\n    with op.batch_alter_table('t') as batch:\n        " + body

    assert contractions(upgrade("batch.drop_constraint('fk_t_a', type_='foreignkey')")) == set()
    assert contractions(upgrade("batch.drop_constraint('uq_t_a', type_='unique')")) == {
        "drop_constraint"
    }
    assert contractions(upgrade("batch.drop_constraint('ck_t_a')")) == {"drop_constraint"}
    assert contractions(upgrade("batch.drop_column('a')")) == {"drop_column"}
