"""Projects and datasets, and the `-T/--target` strings of `omero import`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from engine.catalog.models import Account, Dataset, Project
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
    with data_dir.session() as s, s.begin():
        if target.dataset_id is not None:
            dataset = s.get(Dataset, target.dataset_id)
            if dataset is None:
                raise UsageError(
                    f"There is no dataset with id {target.dataset_id}.", "List them with 'inplace datasets'."
                )
            require_owner_or_admin(s.get(Account, owner_id), dataset.owner_id, f"import into dataset {dataset.id}")
            return dataset.id
        project_id = None
        if target.project_name:
            project = s.scalar(select(Project).where(Project.name == target.project_name, Project.owner_id == owner_id))
            if project is None:
                project = Project(name=target.project_name, owner_id=owner_id)
                s.add(project)
                s.flush()
            project_id = project.id
        query = select(Dataset).where(
            Dataset.name == target.dataset_name,
            Dataset.owner_id == owner_id,
            Dataset.project_id == project_id,
        )
        dataset = s.scalars(query).first()
        if dataset is None:
            dataset = Dataset(name=target.dataset_name, owner_id=owner_id, project_id=project_id)
            s.add(dataset)
            s.flush()
        return dataset.id


def list_containers(data_dir: DataDir, account: Account) -> list[dict]:
    """Projects with their datasets, plus datasets without a project, for pickers and listings:
    the account's own, or everyone's for an administrator."""
    owner_id = visible_owner_filter(account)
    with data_dir.session() as s:
        projects = {p.id: p for p in s.scalars(select(Project).order_by(Project.name))}
        datasets = list(s.scalars(select(Dataset).order_by(Dataset.name)))
    out = []
    for ds in datasets:
        if owner_id is not None and ds.owner_id != owner_id:
            continue
        project = projects.get(ds.project_id) if ds.project_id else None
        out.append(
            {
                "dataset_id": ds.id,
                "dataset": ds.name,
                "project_id": ds.project_id,
                "project": project.name if project else None,
            }
        )
    return out
