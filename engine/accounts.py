"""Accounts with scrypt-hashed passwords, and remembered CLI sign-ins stored as token hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.catalog.store import groups as group_store
from engine.datadir import DataDir
from engine.errors import AuthError, PermissionDenied, UsageError
from engine.permissions import require_admin

DEFAULT_GROUP = "default"  # made by migration 0009 (engine.groups names it too)

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
    data_dir: DataDir, name: str, password: str, admin: bool = False, *, by: AccountRef | None
) -> AccountRef:
    """Add an account on behalf of the administrator `by`; None only for the first account of a catalog."""
    name = name.strip()
    validate_new_account(name, password)

    def approve(by_now: AccountRef | None, catalog_has_accounts: bool, name_taken: bool) -> None:
        if by is None and catalog_has_accounts:
            raise PermissionDenied("Only an administrator may add an account to a catalog that has accounts.")
        if by is not None:
            require_admin(by_now, "add an account")  # as the catalog has it now, not as signed in
        if name_taken:
            raise UsageError(f"An account named '{name}' already exists.", "Choose another name.")

    by_id = by.id if by is not None else None
    added = store.accounts.add(data_dir, name, hash_password(password), admin, by_id=by_id, approve=approve)
    default_group = group_store.group_id(data_dir, DEFAULT_GROUP)
    if default_group is not None:  # as accounts made before groups were: each starts in the default group
        group_store.add_member(data_dir, default_group, added.id, owner=False)
    return added


def set_account_enabled(data_dir: DataDir, name: str, enabled: bool, *, by: AccountRef) -> None:
    """Allow or refuse an account's sign-in (administrators); a disabled account's data stays as it is."""
    require_admin(by, "enable or disable an account")
    target = _named(data_dir, name)
    if target.id == by.id and not enabled:
        raise UsageError("You cannot disable the account you are signed in with.", "Sign in as another administrator.")
    store.accounts.set_enabled(data_dir, target.id, enabled)


def reset_password(data_dir: DataDir, name: str, new_password: str, *, by: AccountRef) -> None:
    """Give an account a new password (administrators); its remembered sign-ins end."""
    require_admin(by, "reset a password")
    validate_new_account(name, new_password)
    store.accounts.set_password_hash(data_dir, _named(data_dir, name).id, hash_password(new_password))


def _named(data_dir: DataDir, name: str) -> AccountRef:
    found = store.accounts.named(data_dir, name)
    if found is None:
        raise UsageError(f"There is no account named '{name}'.", "List them with 'inplace admin accounts'.")
    return found


def has_accounts(data_dir: DataDir) -> bool:
    return store.accounts.has_accounts(data_dir)


def authenticate(data_dir: DataDir, name: str, password: str) -> AccountRef:
    found = store.accounts.credentials(data_dir, name)
    if found is None or not verify_password(password, found[1]):
        raise AuthError(f"Sign-in as '{name}' failed: wrong account name or password.", "Check both and try again.")
    if not found[0].enabled:
        raise AuthError(f"The account '{name}' is disabled.", "Ask an administrator to enable it again.")
    return found[0]


def start_session(data_dir: DataDir, account: AccountRef) -> str:
    """Return a new token; only its hash goes into the catalog."""
    token = secrets.token_urlsafe(32)
    store.accounts.add_login(data_dir, _token_hash(token), account.id, datetime.now() + timedelta(days=SESSION_DAYS))
    return token


def account_for_token(data_dir: DataDir, token: str) -> AccountRef | None:
    found = store.accounts.account_for_login(data_dir, _token_hash(token))
    return found if found is not None and found.enabled else None


def end_session(data_dir: DataDir, token: str) -> None:
    store.accounts.remove_login(data_dir, _token_hash(token))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
