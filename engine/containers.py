"""Projects and datasets, and the `-T/--target` strings of `omero import`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.catalog import store
from engine.catalog.store import AccountRef
from engine.datadir import DataDir
from engine.errors import UsageError
from engine.permissions import require_owner_or_admin, visible_owner_filter

_TARGET_FORMS = "Dataset:ID, Dataset:name:NAME or Project:name:PROJECT/Dataset:name:DATASET"


@dataclass(frozen=True)
class Target:
    """Where imported filesets go: an existing dataset by id, or a dataset (and project) by name."""

    dataset_id: int | None = None
    dataset_name: str | None = None
    project_name: str | None = None


def parse_target(text: str) -> Target:
    if m := re.fullmatch(r"Dataset:(?:id:)?(\d+)", text):
        if len(m.group(1)) > 19 or not 1 <= int(m.group(1)) < 2**63:  # the catalog's ids are signed 64-bit
            raise UsageError(f"{m.group(1)} is not a valid dataset id.", "List the datasets with 'inplace datasets'.")
        return Target(dataset_id=int(m.group(1)))
    if m := re.fullmatch(r"Dataset:name:([^/]+)", text):
        return Target(dataset_name=m.group(1))
    if m := re.fullmatch(r"Project:name:([^/]+)/Dataset:name:([^/]+)", text):
        return Target(project_name=m.group(1), dataset_name=m.group(2))
    raise UsageError(f"The target '{text}' is not understood.", f"Write it as {_TARGET_FORMS}.")


def resolve_target(data_dir: DataDir, target: Target | None, owner_id: int) -> int | None:
    """Return the dataset id for `target`, creating named project and dataset when missing."""
    if target is None:
        return None
    if target.dataset_id is not None:
        dataset_owner = store.containers.dataset_owner(data_dir, target.dataset_id)
        if dataset_owner is None:
            raise UsageError(f"There is no dataset with id {target.dataset_id}.", "List them with 'inplace datasets'.")
        importer = store.accounts.get(data_dir, owner_id)  # as the catalog has it now, not as signed in
        require_owner_or_admin(importer, dataset_owner, f"import into dataset {target.dataset_id}")
        return target.dataset_id
    return store.containers.named_dataset(data_dir, owner_id, target.dataset_name, target.project_name)


def list_containers(data_dir: DataDir, account: AccountRef) -> list[dict]:
    """Projects with their datasets, plus datasets without a project, for pickers and listings:
    the account's own, or everyone's for an administrator."""
    return store.containers.list_containers(data_dir, visible_owner_filter(account))
