"""The exceptions successplan raises, grouped by what the caller should do.

::

    SuccessplanError
    ├── ConfigurationError        bad settings, profile or crosswalk: fix and rerun
    │   ├── ProfileError
    │   └── MappingError
    ├── InputError                the input cannot be read at all (exit code 2)
    ├── SourceError               talking to a source system failed
    │   ├── RetriableSourceError  try again later (429, 5xx, time-outs)
    │   └── FatalSourceError      do not retry (other 4xx, bad credentials)
    ├── ConversionError           one record cannot be converted: quarantine it
    └── PolicyDenied              the policy said no

Every error carries a short, stable ``code`` that docs/errors.md explains.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "ConversionError",
    "FatalSourceError",
    "InputError",
    "MappingError",
    "PolicyDenied",
    "ProfileError",
    "RetriableSourceError",
    "SourceError",
    "SuccessplanError",
]


class SuccessplanError(Exception):
    """Root of every error successplan raises on purpose."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class ConfigurationError(SuccessplanError):
    """A setting, profile or crosswalk is wrong; nothing will work until fixed."""

    default_code = "configuration"


class ProfileError(ConfigurationError):
    """A profile cannot be found or is malformed."""

    default_code = "profile-invalid"


class MappingError(ConfigurationError):
    """A crosswalk cannot be loaded or contradicts itself."""

    default_code = "mapping-invalid"


class InputError(SuccessplanError):
    """An input cannot be read at all: missing, unreadable, not JSON, not UTF-8."""

    default_code = "input-unreadable"


class SourceError(SuccessplanError):
    """Talking to a source system failed."""

    default_code = "source-failed"


class RetriableSourceError(SourceError):
    """A source failure that may pass: rate limits, server errors, time-outs."""

    default_code = "source-retriable"


class FatalSourceError(SourceError):
    """A source failure that retrying will not fix."""

    default_code = "source-fatal"


class ConversionError(SuccessplanError):
    """One source record cannot be converted; it goes to quarantine."""

    default_code = "conversion-failed"

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.field = field


class PolicyDenied(SuccessplanError):
    """The consent policy denied a request."""

    default_code = "policy-denied"
