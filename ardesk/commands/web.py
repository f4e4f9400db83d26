"""``ardesk web``: the portal for development and demos (production runs gunicorn, see Procfile)."""

from __future__ import annotations

import click

from ardesk.runtime import Runtime, clean_errors, pass_runtime


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@pass_runtime
@clean_errors
def web(runtime: Runtime, host: str, port: int) -> None:
    """Serve the customer portal and the link landing on HOST:PORT."""
    from web import create_app
    from web.serving import serve_until_interrupted

    runtime.start_logging()
    # Refuses a database without the current schema, naming the command that fixes it.
    _ = runtime.db
    serve_until_interrupted(create_app(runtime.settings), host, port, click.echo)
