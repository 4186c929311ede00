"""The consent-aware broker between schools, agencies and nonprofits.

The top layer below the command line: it stores canonical records, links
identities across sources, and answers each request (who asks, for what
purpose, about whom) with only the data categories the family's consent and
the law permit, logging every disclosure. It imports from ``schemas``,
``mappings`` and ``adapters`` and never parses a source format itself.
"""

from __future__ import annotations

__all__: list[str] = []
