"""Exception family of the package.

Every error a user can cause derives from :class:`IndieValueCatalogError`. Each subclass stands for one stage and
carries the exit code that the command line returns for it, so scripts can tell a bad input file from a failed
upload without parsing messages. Messages say what failed, on which file, variable, code, revision or model, and
what to do next.
"""

from __future__ import annotations


class IndieValueCatalogError(Exception):
    """Base class of every error that a user of the package can cause and fix."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\nWhat to do: {self.hint}"
        return self.message


class CodebookError(IndieValueCatalogError):
    """The codebook file is missing, malformed or inconsistent."""

    exit_code = 3


class InputFileError(IndieValueCatalogError):
    """A raw survey file cannot be read or is not a usable WVS-7 file."""

    exit_code = 4


class ValidationFailedError(IndieValueCatalogError):
    """Schema validation of a stage found failure cases."""

    exit_code = 5


class BuildError(IndieValueCatalogError):
    """The catalog build cannot write or complete its output folder."""

    exit_code = 6


class SplitError(IndieValueCatalogError):
    """Splits or task instances cannot be made from the catalog."""

    exit_code = 7


class EvaluationError(IndieValueCatalogError):
    """An evaluation run cannot start, resume or finish."""

    exit_code = 8


class PublishError(IndieValueCatalogError):
    """A release cannot be published to, or verified on, the Hugging Face Hub."""

    exit_code = 9


class MissingExtraError(IndieValueCatalogError):
    """An optional dependency group is not installed."""

    exit_code = 10

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"This feature needs the Python package '{package}', which is not installed.",
            hint=f"install it with: pip install 'indievaluecatalog[{extra}]'",
        )
        self.package = package
        self.extra = extra


class CatalogNotFoundError(IndieValueCatalogError):
    """No built or published catalog can be found where one was expected."""

    exit_code = 11


class TrainingError(IndieValueCatalogError):
    """The reasoner's training data or training run cannot be prepared."""

    exit_code = 12


class SampleError(IndieValueCatalogError):
    """A synthetic sample file cannot be generated or written."""

    exit_code = 13
