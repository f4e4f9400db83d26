"""`ardesk users add|list|disable|reset-password|totp`: the AR team members who use the console."""

from __future__ import annotations

import getpass

import click
from sqlalchemy import select

from ardesk.runtime import clean_errors, pass_runtime, print_json_array, print_table
from core import ar_users, sessions
from core.audit import record
from core.models import ARRole, ARUser


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _password(generate: bool) -> tuple[str, bool]:
    if generate:
        return ar_users.generate_password(), True
    return click.prompt("Password", hide_input=True, confirmation_prompt=True), False


@click.group("users")
def users() -> None:
    """AR team members who sign in to the console."""


@users.command("add")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in ARRole]), default=ARRole.agent.value)
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.option("--totp", is_flag=True, help="Enrol TOTP now and print its otpauth:// URI.")
@pass_runtime
@clean_errors
def add(runtime, email, name, role, generate, totp) -> None:
    """Add an AR user (the password is prompted, or generated with --generate)."""
    password, shown = _password(generate)
    with runtime.db.admin_session() as session:
        user = ar_users.add(session, email, name, ARRole(role), password)
        uri = ar_users.enrol_totp(user) if totp else None
        record(session, "ar_user.add", actor=_actor(), target=f"ar_user:{user.id}", role=role)
    click.echo(f"added {email} ({role})")
    if shown:
        click.echo(f"password: {password}")
    if uri:
        click.echo(f"totp: {uri}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@clean_errors
def list_users(runtime, as_json) -> None:
    """Every AR user, with role, TOTP and state."""
    with runtime.db.admin_session() as session:
        rows = [
            {
                "email": u.email,
                "name": u.name,
                "role": u.role.value,
                "active": u.active,
                "totp": bool(u.totp_secret),
                "locked_until": u.locked_until,
                "last_sign_in_at": u.last_sign_in_at,
            }
            for u in session.scalars(select(ARUser).order_by(ARUser.email))
        ]
    if as_json:
        print_json_array(rows)
    else:
        print_table(rows, ["email", "name", "role", "active", "totp", "last_sign_in_at"])


@users.command("disable")
@click.argument("email")
@pass_runtime
@clean_errors
def disable(runtime, email) -> None:
    """Disable a user and end their console sessions at once."""
    with runtime.db.admin_session() as session:
        user = ar_users.get(session, email)
        user.active = False
        ended = sessions.end_all(session, "disabled", ar_user_id=user.id)
        record(session, "ar_user.disable", actor=_actor(), target=f"ar_user:{user.id}")
    click.echo(f"disabled {email}; {ended} session(s) ended")


@users.command("reset-password")
@click.argument("email")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@pass_runtime
@clean_errors
def reset_password(runtime, email, generate) -> None:
    """Set a new password, lift a lock-out and end the user's sessions."""
    password, shown = _password(generate)
    with runtime.db.admin_session() as session:
        user = ar_users.get(session, email)
        user.password_hash = ar_users.hash_password(password)
        user.failed_sign_ins = 0
        user.locked_until = None
        sessions.end_all(session, "password_reset", ar_user_id=user.id)
        record(session, "ar_user.reset_password", actor=_actor(), target=f"ar_user:{user.id}")
    click.echo(f"password reset for {email}")
    if shown:
        click.echo(f"password: {password}")


@users.command("totp")
@click.argument("email")
@pass_runtime
@clean_errors
def totp(runtime, email) -> None:
    """Enrol (or re-enrol) TOTP for a user; prints the otpauth:// URI for their app."""
    with runtime.db.admin_session() as session:
        user = ar_users.get(session, email)
        uri = ar_users.enrol_totp(user)
        record(session, "ar_user.totp_enrol", actor=_actor(), target=f"ar_user:{user.id}")
    click.echo(f"totp: {uri}")
