"""AR team members: argon2 password hashes, TOTP, and sign-in with lock-out.

Signing in is one decision with one outcome per reason, so the console and the tests read the
same verdict and the audit trail records why a sign-in failed without saying so to the person
(who only ever sees "wrong email, password or code", after the same work whatever the reason).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import InvalidInput, NotFound
from core.models import ARRole, ARUser, utcnow

_hasher = PasswordHasher()
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 12
TOTP_STEP = 30


class SignIn(enum.StrEnum):
    ok = "ok"
    unknown = "unknown_user"
    inactive = "inactive"
    locked = "locked"
    bad_password = "bad_password"  # noqa: S105 (an outcome's name, not a password)
    bad_code = "bad_code"
    totp_required = "totp_required"  # TOTP is required for everyone and this user has none


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    user_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is SignIn.ok


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password has at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def find(session: Session, email: str) -> ARUser | None:
    return session.scalar(select(ARUser).where(func.lower(ARUser.email) == email.strip().lower()))


def get(session: Session, email: str) -> ARUser:
    user = find(session, email)
    if user is None:
        raise NotFound(f"no AR user {email}")
    return user


def add(session: Session, email: str, name: str, role: ARRole, password: str) -> ARUser:
    email = email.strip()
    if "@" not in email:
        raise InvalidInput(f"not an email address: {email}")
    if find(session, email) is not None:
        raise InvalidInput(f"AR user {email} exists")
    user = ARUser(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        active=True,
        failed_sign_ins=0,
    )
    session.add(user)
    session.flush()
    return user


def enrol_totp(user: ARUser) -> str:
    """Give the user a new TOTP secret; returns the otpauth:// URI for an authenticator app."""
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name="ardesk")


def _code_step(secret: str, code: str, at: float) -> int | None:
    """The time step ``code`` belongs to (this one or its neighbours: clocks drift), or None."""
    totp = pyotp.TOTP(secret)
    step = int(at // TOTP_STEP)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * TOTP_STEP), code):
            return candidate
    return None


def sign_in(
    session: Session,
    email: str,
    password: str,
    code: str,
    *,
    attempts: int,
    lockout: timedelta,
    require_totp: bool,
    now: datetime | None = None,
) -> SignInResult:
    """Check a sign-in and count it: ``attempts`` failures in a row lock the user for
    ``lockout``, during which even the right password is refused. Every refusal before the
    password is known to be right (an unknown, disabled or locked user, a wrong password) verifies
    one argon2 hash, so none is quicker than another."""
    now = now or utcnow()
    user = find(session, email)
    if user is None or not user.password_hash:
        _verify(_DUMMY_HASH, password)
        return SignInResult(SignIn.unknown)
    if (refused := _refused(user, now)) is not None:
        # A disabled or locked user costs the same hash as anyone else: a quick refusal would
        # tell a stranger that the address belongs to someone.
        _verify(_DUMMY_HASH, password)
        return refused
    if not _verify(user.password_hash, password):
        return _failed(user, SignIn.bad_password, attempts, lockout, now)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return _second_factor(user, code, attempts, lockout, require_totp, now)


def sign_in_verified(
    session: Session,
    email: str,
    code: str,
    *,
    attempts: int,
    lockout: timedelta,
    require_totp: bool,
    now: datetime | None = None,
) -> SignInResult:
    """A sign-in whose first factor the company's identity provider vouched for (a verified
    email): the rules after the password still hold — an existing, active, unlocked user, and
    the TOTP code when the user has enrolled (or is refused when everyone must have)."""
    now = now or utcnow()
    user = find(session, email)
    if user is None:
        return SignInResult(SignIn.unknown)
    if (refused := _refused(user, now)) is not None:
        return refused
    return _second_factor(user, code, attempts, lockout, require_totp, now)


def _refused(user: ARUser, now: datetime) -> SignInResult | None:
    if not user.active:
        return SignInResult(SignIn.inactive, user.id)
    if user.locked_until is not None and user.locked_until > now:
        return SignInResult(SignIn.locked, user.id)
    return None


def _second_factor(
    user: ARUser, code: str, attempts: int, lockout: timedelta, require_totp: bool, now: datetime
) -> SignInResult:
    if user.totp_secret:
        # A missing code fails like a wrong one: nothing confirms the first factor alone.
        code = "".join(code.split())
        step = _code_step(user.totp_secret, code, now.timestamp()) if code else None
        replayed = step is not None and (user.totp_last_step or -1) >= step
        if step is None or replayed:
            return _failed(user, SignIn.bad_code, attempts, lockout, now)
        user.totp_last_step = step
    elif require_totp:
        return SignInResult(SignIn.totp_required, user.id)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now
    return SignInResult(SignIn.ok, user.id)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _failed(
    user: ARUser, outcome: SignIn, attempts: int, lockout: timedelta, now: datetime
) -> SignInResult:
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if user.failed_sign_ins >= attempts:
        user.locked_until = now + lockout
        user.failed_sign_ins = 0
        return SignInResult(SignIn.locked, user.id)
    return SignInResult(outcome, user.id)
