"""The groups offered for an import are exactly those an import may go into, for an administrator too:
the wizard's Group list comes from Session.import_groups, so a group it offers must never be refused."""

from __future__ import annotations

import pytest

from engine.api import DataDirectory
from engine.errors import UsageError
from tests.conftest import PASSWORD


def test_every_offered_group_is_accepted_and_no_other(data_dir, tmp_path):
    source = tmp_path / "run" / "a.txt"
    source.parent.mkdir()
    source.write_bytes(b"some bytes")
    with DataDirectory.open(data_dir.root) as dd:
        alice = dd.sign_in("alice", PASSWORD)  # the administrator
        alice.create_group("lab")
        alice.create_group("other")
        alice.add_member("lab", "alice")
        offered = alice.import_groups()
        assert "lab" in offered and "other" not in offered  # not a member of 'other'
        for group in offered:
            alice.options(transfer="ln_s", group=group)  # accepted: no error
        with pytest.raises(UsageError, match="not a member of the group 'other'"):
            alice.prepare([str(source)], alice.options(transfer="ln_s", group="other"))
