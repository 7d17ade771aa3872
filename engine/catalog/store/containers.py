"""Projects and datasets: found or made for an import's target, and listed for pickers."""

from __future__ import annotations

from sqlalchemy import select

from engine.catalog.models import Dataset, Project
from engine.catalog.store.base import Catalog


def dataset_owner(catalog: Catalog, dataset_id: int) -> int | None:
    """The owner of a dataset, or None when there is no such dataset."""
    with catalog.session() as s:
        return s.scalar(select(Dataset.owner_id).where(Dataset.id == dataset_id))


def named_dataset(catalog: Catalog, owner_id: int, dataset_name: str | None, project_name: str | None) -> int:
    """The id of the owner's dataset of this name (in this project, or in none), made with its
    project when missing, in one write transaction."""
    with catalog.session() as s, s.begin():
        project_id = None
        if project_name:
            project = s.scalar(select(Project).where(Project.name == project_name, Project.owner_id == owner_id))
            if project is None:
                project = Project(name=project_name, owner_id=owner_id)
                s.add(project)
                s.flush()
            project_id = project.id
        query = select(Dataset).where(
            Dataset.name == dataset_name,
            Dataset.owner_id == owner_id,
            Dataset.project_id == project_id,
        )
        dataset = s.scalars(query).first()
        if dataset is None:
            dataset = Dataset(name=dataset_name, owner_id=owner_id, project_id=project_id)
            s.add(dataset)
            s.flush()
        return dataset.id


def list_containers(catalog: Catalog, owner_id: int | None) -> list[dict]:
    """Datasets by name, each with its project: one owner's, or everyone's when `owner_id` is None."""
    with catalog.session() as s:
        projects = {p.id: p.name for p in s.scalars(select(Project).order_by(Project.name))}
        datasets = list(s.scalars(select(Dataset).order_by(Dataset.name)))
    return [
        {
            "dataset_id": ds.id,
            "dataset": ds.name,
            "project_id": ds.project_id,
            "project": projects.get(ds.project_id) if ds.project_id else None,
        }
        for ds in datasets
        if owner_id is None or ds.owner_id == owner_id
    ]
