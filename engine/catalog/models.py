"""Catalog tables. Portable types only, so PostgreSQL can follow SQLite without schema changes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.catalog.columns import FsString, FsText


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # every model is one table, so core statements can take Model.__table__


# SQLite otherwise hands a deleted newest row's id to the next row (migration 0003); PostgreSQL ignores it.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(512))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Migration 0009: a disabled account keeps its data but cannot sign in; imports go to its default group.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    default_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True)


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    permissions: Mapped[str] = mapped_column(String(16), default="private")  # engine.groups.LEVELS (0009)


class Membership(Base):
    __tablename__ = "memberships"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    owner: Mapped[bool] = mapped_column(Boolean, default=False)  # administers the group (migration 0009)


class LoginSession(Base):
    """A remembered sign-in for the CLI: only a hash of the token is stored."""

    __tablename__ = "login_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("owner_id", "name"), NEVER_REUSE_IDS)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class Dataset(Base):
    __tablename__ = "datasets"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(32), index=True)
    transfer: Mapped[str] = mapped_column(String(255))
    checksum_algorithm: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    os_user: Mapped[str] = mapped_column(String(255))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    process_start: Mapped[int] = mapped_column(BigInteger, default=0)  # tells a reused pid apart
    # The job's lease (migration 0007): another host takes a running job for alive while its heartbeat,
    # renewed as the import goes, is younger than lease_seconds (UTC, the host's clock).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    lease_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    log_path: Mapped[str] = mapped_column(Text)
    request: Mapped[str] = mapped_column(Text)  # JSON: the paths and options, so a job can be resumed
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    summary: Mapped[str | None] = mapped_column(FsText, nullable=True)
    # Migration 0009: account_id is whom the job imported for; run_by_id who ran it, when that differs.
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True)
    # The job's folder in the repository, claimed here before it is made (migration 0010); NULL for
    # jobs that made one folder per fileset.
    repo_dir: Mapped[str | None] = mapped_column(Text, unique=True, index=True, nullable=True)


class Acknowledgement(Base):
    """Which responsibilities the user confirmed for a job, as whom and when."""

    __tablename__ = "acknowledgements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    os_user: Mapped[str] = mapped_column(String(255))
    transfer: Mapped[str] = mapped_column(String(255))
    statements: Mapped[str] = mapped_column(Text)  # JSON list of {id, text}
    accepted_at: Mapped[datetime] = mapped_column(DateTime)


class Fileset(Base):
    __tablename__ = "filesets"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id"), nullable=True)
    name: Mapped[str] = mapped_column(FsString(1024))
    state: Mapped[str] = mapped_column(String(32), index=True)
    # Relative to ManagedRepository: the job's folder, shared by its filesets (migration 0010), or for
    # filesets made before, the fileset's own folder.
    repo_dir: Mapped[str] = mapped_column(Text, index=True)
    transfer: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    rule: Mapped[str | None] = mapped_column(String(255), nullable=True)  # the grouping rule (migration 0004)
    format: Mapped[str | None] = mapped_column(String(255), nullable=True)  # the format family it recognised
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), nullable=True, index=True)  # 0009


class FilesetEntry(Base):
    __tablename__ = "fileset_entries"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fileset_id: Mapped[int] = mapped_column(ForeignKey("filesets.id", ondelete="CASCADE"), index=True)
    source_path: Mapped[str] = mapped_column(FsText)  # any bytes: see engine.fsnames
    source_real_path: Mapped[str | None] = mapped_column(FsText, index=True, nullable=True)  # symbolic links resolved
    client_path: Mapped[str] = mapped_column(Text, index=True)
    repo_path: Mapped[str] = mapped_column(Text)  # relative to ManagedRepository
    file_name: Mapped[str] = mapped_column(FsString(1024), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[float] = mapped_column(Float)
    checksum_algorithm: Mapped[str] = mapped_column(String(64))
    checksum: Mapped[str | None] = mapped_column(String(256), nullable=True)
    transfer: Mapped[str] = mapped_column(String(255))
    made_read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Migration 0005: what `inplace verify` needs. The identity (device, inode) of the file the entry
    # stands for, as the import saw it and as the last check that proved its bytes adopted it.
    source_dev: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    source_ino: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    health: Mapped[str | None] = mapped_column(String(32), nullable=True)  # engine.states.HealthState; NULL: never
    checked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    health_note: Mapped[str | None] = mapped_column(FsText, nullable=True)  # what differed, in a sentence
    # The checked file's mtime when last found good, where the import recorded none (the repository's copy)
    # or a full check proved other bytes-equal file (a restore) good.
    seen_mtime: Mapped[float | None] = mapped_column(Float, nullable=True)


class PendingPaths(Base):
    """Repository paths a pending fileset is about to create, newline-separated, recorded before
    they are made (migration 0010): what recovery removes after a crash."""

    __tablename__ = "pending_paths"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fileset_id: Mapped[int] = mapped_column(ForeignKey("filesets.id", ondelete="CASCADE"), index=True)
    paths: Mapped[str] = mapped_column(Text)


class FileResult(Base):
    """The outcome of one file in one job, kept after a rollback so the user can read why."""

    __tablename__ = "file_results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    fileset_name: Mapped[str] = mapped_column(FsString(1024))
    source_path: Mapped[str] = mapped_column(FsText)
    repo_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    transfer: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    checksum_algorithm: Mapped[str] = mapped_column(String(64))
    checksum: Mapped[str | None] = mapped_column(String(256), nullable=True)
    state: Mapped[str] = mapped_column(String(32))
    error_kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error_message: Mapped[str | None] = mapped_column(FsText, nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class HealthChange(Base):
    """Each change of an entry's health, so a restored file's past is kept (migration 0005)."""

    __tablename__ = "health_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("fileset_entries.id", ondelete="CASCADE"), index=True)
    old_health: Mapped[str | None] = mapped_column(String(32), nullable=True)
    new_health: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(FsText, nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class Relink(Base):
    """An `ln_s` entry re-pointed to where its original moved: from where, to where, when, by whom."""

    __tablename__ = "relinks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("fileset_entries.id", ondelete="CASCADE"), index=True)
    old_path: Mapped[str] = mapped_column(FsText)
    new_path: Mapped[str] = mapped_column(FsText)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    os_user: Mapped[str] = mapped_column(String(255))
    relinked_at: Mapped[datetime] = mapped_column(DateTime)


class WatchedFolder(Base):
    """A DropBox folder (migration 0006): what lands in it is imported for `account_id` with the import
    arguments an administrator chose, and, for in-place or deleting transfers, the responsibilities that
    administrator accepted in advance (the standing acknowledgement: who, when, which statements)."""

    __tablename__ = "watched_folders"
    __table_args__ = NEVER_REUSE_IDS
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(FsText, unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    options: Mapped[str] = mapped_column(Text)  # JSON: transfer, checksum_algorithm, target, exclude
    quiet_seconds: Mapped[float] = mapped_column(Float)
    polling: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_statements: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of {id, text}
    accepted_warnings: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of finding codes
    accepted_os_user: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # What the service found on its last look (plain sentences: what waits and why), and when.
    note: Mapped[str | None] = mapped_column(FsText, nullable=True)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DropboxEvent(Base):
    """One import the DropBox service made, or one that failed, with its job and its reason."""

    __tablename__ = "dropbox_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("watched_folders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(32))  # imported, failed
    fileset: Mapped[str] = mapped_column(FsText)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True)
    message: Mapped[str | None] = mapped_column(FsText, nullable=True)


class Image(Base):
    """One image (series) of a registered fileset, as its format's reader saw it (migration 0006).
    A fileset no reader took has one row, status "not read", with the reason."""

    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("fileset_id", "series"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fileset_id: Mapped[int] = mapped_column(ForeignKey("filesets.id", ondelete="CASCADE"), index=True)
    series: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(FsText)
    status: Mapped[str] = mapped_column(String(32))  # engine.images.ImageStatus
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    size_x: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    size_y: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    size_z: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size_c: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size_t: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pixel_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    physical_size_x: Mapped[float | None] = mapped_column(Float, nullable=True)
    physical_size_x_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    physical_size_y: Mapped[float | None] = mapped_column(Float, nullable=True)
    physical_size_y_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    physical_size_z: Mapped[float | None] = mapped_column(Float, nullable=True)
    physical_size_z_unit: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channels: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of names
    acquired: Mapped[str | None] = mapped_column(String(64), nullable=True)  # ISO 8601, as the file says
    plate: Mapped[str | None] = mapped_column(Text, nullable=True)
    well: Mapped[str | None] = mapped_column(String(16), nullable=True)
    field_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    levels: Mapped[int] = mapped_column(Integer, default=1)
    thumbnail: Mapped[str | None] = mapped_column(Text, nullable=True)  # relative to the data dir
    read_at: Mapped[datetime] = mapped_column(DateTime)
