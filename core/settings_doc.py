"""``docs/configuration.md``, written from the settings' own descriptions.

Regenerate with ``python -m core.settings_doc > docs/configuration.md``; a test fails when the
file and the settings disagree, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from core.config import PREFIX, TEST_PREFIX, Settings

GROUPS = (
    ("general", None),
    ("web", "Web"),
    ("email", "Email"),
    ("worker", "Worker and clock"),
    ("chat", "Slack and Teams"),
    ("sources", "Data sources"),
    ("metrics", "Metrics"),
)

INTRO = f"""# Configuration

ardesk reads `ARDESK_*` environment variables into one typed settings object when a process
starts; a malformed value stops it with one line naming the variable. In development a `.env` file
in the working directory is read too (real environment variables win, and `.env` can never set
`ARDESK_ENV`). Defaults serve the embedded case.

In production (`ARDESK_ENV=production`) the program refuses to start without `ARDESK_SECRET_KEY`,
an `https://` `ARDESK_BASE_URL`, `ARDESK_FROM_ADDRESS`, `ARDESK_AR_ADDRESS` and a readable
`ARDESK_BRAND_FILE`, and an unknown `ARDESK_` variable is an error (in development, a warning):
a typo never passes silently. Credential variables that a source names in the sources file
(`password_env = "…"`) are exempt, and `{TEST_PREFIX}*` switches belong to the test suite.

`ardesk settings show` prints every setting's effective value and whether it comes from the
environment, `.env`, the default or the AR console (secrets only as set or unset, passwords in
URLs masked). Admins change a few settings in the console without a deploy — the intents the bot
answers by itself, the link lifetime, the reply rate limits, the first-response target and the
business hours — over the environment's values, until they reset them
([console.md](console.md#settings)); `ardesk settings show` needs the database to show those,
and says in one line when it cannot read it.
"""

OUTRO = f"""
Durations are a whole number and a unit: `s`, `m`, `h`, `d` or `w`.

`{TEST_PREFIX}FAILPOINT` exists for the test suite only: it makes the worker exit at a named step
to prove that a crash loses nothing, and `{TEST_PREFIX}STALL_SUBJECT` makes understanding hang
on a message whose subject contains its value, to prove the deadline. Both are ignored in
production.
"""


def render_markdown() -> str:
    parts = [INTRO]
    for group, title in GROUPS:
        if title:
            parts.append(f"\n## {title}\n")
        parts.append("\n| variable | default | meaning |\n| --- | --- | --- |\n")
        for name, field in Settings.model_fields.items():
            extra = field.json_schema_extra
            assert isinstance(extra, dict), f"{name} has no documentation"
            if extra["group"] != group:
                continue
            doc = str(extra["doc"]).replace("|", "\\|")
            parts.append(f"| `{PREFIX}{name.upper()}` | {extra['shown_default']} | {doc} |\n")
    parts.append(OUTRO)
    return "".join(parts)


if __name__ == "__main__":
    print(render_markdown(), end="")
