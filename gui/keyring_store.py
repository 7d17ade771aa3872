"""The system keyring, used only when it really works: checked off the GUI thread, with a timeout.

On servers keyring often picks a backend that fails on every call (no D-Bus session), or a
Secret Service whose keyring is locked, where the first write would open a blocking prompt.
Both count as "no keyring".
"""

from __future__ import annotations

import asyncio

SERVICE = "inplace-import"
TIMEOUT = 3.0


def _status() -> str:
    """'' when usable, otherwise why not (runs on a worker thread)."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return "no keyring service is running in this session"
    if type(backend).__module__.startswith("keyring.backends.SecretService"):
        try:
            collection = backend.get_preferred_collection()
            if collection.is_locked():
                return "the system keyring is locked"
        except Exception as exc:  # D-Bus errors come in many types
            return f"the system keyring does not answer ({type(exc).__name__})"
    try:
        backend.get_password(SERVICE, "-probe-")
    except Exception as exc:
        return f"the keyring refused a test read ({type(exc).__name__})"
    return ""


def _key(data_dir: str, user: str) -> str:
    return f"{user}@{data_dir}"


async def _call(ops, fn, *args):
    return await asyncio.wait_for(ops.run(fn, *args), TIMEOUT)


async def keyring_problem(ops) -> str:
    try:
        return await _call(ops, _status)
    except TimeoutError:
        return "the keyring did not answer in time"
    except Exception as exc:
        return f"the keyring could not be used ({type(exc).__name__})"


async def load_password(ops, data_dir: str, user: str) -> str | None:
    import keyring

    try:
        return await _call(ops, keyring.get_password, SERVICE, _key(data_dir, user))
    except Exception:
        return None


async def save_password(ops, data_dir: str, user: str, password: str) -> bool:
    import keyring

    try:
        await _call(ops, keyring.set_password, SERVICE, _key(data_dir, user), password)
        return True
    except Exception:
        return False
