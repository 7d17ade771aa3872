"""How files reach the repository: built-in transfers and plugins, behind one small interface."""

from engine.transfers.base import FileTask, Identity, Transfer
from engine.transfers.registry import DEFAULT_TRANSFER, get_transfer, transfer_names

__all__ = ["DEFAULT_TRANSFER", "FileTask", "Identity", "Transfer", "get_transfer", "transfer_names"]
