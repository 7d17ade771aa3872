"""Accounts with scrypt-hashed passwords, and remembered CLI sign-ins stored as token hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from engine.catalog.models import Account, LoginSession
from engine.datadir import DataDir
from engine.errors import AuthError, PermissionDenied, UsageError
from engine.permissions import require_admin

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_DAYS = 7


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt).decode()}${enc(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    salt_b, key_b = base64.b64decode(salt), base64.b64decode(key)
    got = hashlib.scrypt(password.encode(), salt=salt_b, n=int(n), r=int(r), p=int(p), dklen=len(key_b))
    return hmac.compare_digest(got, key_b)


def validate_new_account(name: str, password: str) -> None:
    if not name.strip():
        raise UsageError("An account needs a name.", "Give one with --user NAME.")
    if len(password) < 4:
        raise UsageError("That password is too short.", "Use at least 4 characters.")


def create_account(
    data_dir: DataDir, name: str, password: str, admin: bool = False, *, by: Account | None
) -> Account:
    """Add an account on behalf of the administrator `by`; None only for the first account of a catalog."""
    name = name.strip()
    validate_new_account(name, password)
    with data_dir.session() as s, s.begin():
        # Inside the write transaction, so two first accounts cannot both pass the "no account yet" test.
        if by is None and s.scalar(select(Account.id).limit(1)) is not None:
            raise PermissionDenied("Only an administrator may add an account to a catalog that has accounts.")
        if by is not None:
            require_admin(s.get(Account, by.id), "add an account")
        if s.scalar(select(Account).where(Account.name == name)):
            raise UsageError(f"An account named '{name}' already exists.", "Choose another name.")
        account = Account(name=name, password_hash=hash_password(password), is_admin=admin, created_at=datetime.now())
        s.add(account)
    return account


def has_accounts(data_dir: DataDir) -> bool:
    with data_dir.session() as s:
        return s.scalar(select(Account.id).limit(1)) is not None


def authenticate(data_dir: DataDir, name: str, password: str) -> Account:
    with data_dir.session() as s:
        account = s.scalar(select(Account).where(Account.name == name))
    if account is None or not verify_password(password, account.password_hash):
        raise AuthError(f"Sign-in as '{name}' failed: wrong account name or password.", "Check both and try again.")
    return account


def start_session(data_dir: DataDir, account: Account) -> str:
    """Return a new token; only its hash goes into the catalog."""
    token = secrets.token_urlsafe(32)
    with data_dir.session() as s, s.begin():
        s.execute(delete(LoginSession).where(LoginSession.expires_at < datetime.now()))
        s.add(
            LoginSession(
                token_hash=_token_hash(token),
                account_id=account.id,
                expires_at=datetime.now() + timedelta(days=SESSION_DAYS),
            )
        )
    return token


def account_for_token(data_dir: DataDir, token: str) -> Account | None:
    with data_dir.session() as s:
        row = s.get(LoginSession, _token_hash(token))
        if row is None or row.expires_at < datetime.now():
            return None
        return s.get(Account, row.account_id)


def end_session(data_dir: DataDir, token: str) -> None:
    with data_dir.session() as s, s.begin():
        s.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
