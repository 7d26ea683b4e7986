"""deeplinks-monitor: watch EFF Deeplinks for UN Cybercrime Treaty posts and edits."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
