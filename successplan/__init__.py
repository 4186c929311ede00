"""successplan: one canonical Success Plan from school, health and community records.

Layers, each importing only from those before it: ``schemas`` (the canonical
model), ``mappings`` (crosswalks), ``adapters`` (connectors), ``gateway`` (the
consent-aware broker) and ``cli`` (the command).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
