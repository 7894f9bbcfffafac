"""Project exception types: a catalogue code and parameters, so each error can be shown in the user's language.

Every error the application raises on purpose is a :class:`PlannerError` (a ``ValueError``). It is built
from a code of :data:`gis.messages.CATALOGUE` and the values of its placeholders::

    raise ReadError("imp_read_failed", file=name, reason=...)

``str(exc)`` is the English text (logs, the command line); the UI shows ``exc.text(lang)``. Every message
says what was received, what was expected and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from gis.messages import CATALOGUE, Message, render


class PlannerError(ValueError):
    """Base class for every error the application raises on purpose.

    Parameters
    ----------
    code : str
        A key of :data:`gis.messages.CATALOGUE`.
    problems : sequence of Message or str, optional
        One item per problem (e.g. per feature), listed under the message.
    **params
        Values for the message's placeholders (str, numbers, or nested :class:`Message`).
    """

    #: Title code shown above the message in the UI (a catalogue key).
    title_code: ClassVar[str] = "err_title_generic"

    def __init__(self, code: str, /, *, problems: Sequence[Message | str] = (), **params: Any) -> None:
        if code not in CATALOGUE:  # a bug in the caller: keep the text for the log, never show a raw code
            params, code = {"text": code}, "legacy_text"
        self.code = code
        self.params = dict(params)
        self.problems = list(problems)
        super().__init__(self.text("en"))

    @property
    def message(self) -> Message:
        """The message as a :class:`Message` (code and parameters)."""
        return Message(self.code, self.params)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ('zh' or 'en'), followed by one line per problem."""
        lines = [render(self.code, self.params, lang)]
        lines += [f"  - {p.text(lang) if isinstance(p, Message) else p}" for p in self.problems]
        return "\n".join(lines)

    def problem_texts(self, lang: str = "en") -> list[str]:
        """The problems in ``lang``, one string each."""
        return [p.text(lang) if isinstance(p, Message) else str(p) for p in self.problems]


# --- data, coordinates, analysis -----------------------------------------------------------------------------
class CRSError(PlannerError):
    """A coordinate reference system is missing, unknown, unsafe, or wrong for the operation."""

    title_code = "err_title_crs"


class DataValidationError(PlannerError):
    """A dataset does not meet the schema or the invariants (``problems`` lists each one)."""

    title_code = "err_title_data"


class UnknownFeatureError(PlannerError):
    """A feature or layer id that does not exist was asked for."""

    title_code = "err_title_data"


class ScoringError(PlannerError):
    """Scoring was asked for with unusable inputs (weights, parameters, layers)."""

    title_code = "err_title_scoring"


class RasterError(PlannerError):
    """A raster cannot be read or used (no CRS, wrong band, unreadable)."""

    title_code = "err_title_raster"


class ScenarioError(PlannerError):
    """A scenario cannot be built, measured or suggested as asked."""

    title_code = "err_title_scenario"


class CartographyError(PlannerError):
    """A print map cannot be drawn as asked (paper, extent, fonts)."""

    title_code = "err_title_print"


# --- import (issue 10) ------------------------------------------------------------------------------------
class ImportFailure(DataValidationError):
    """An uploaded file cannot be imported; the message names the file and the fix."""

    title_code = "err_title_import"


class UnsupportedFormatError(ImportFailure):
    """The file's type is not one the importer reads."""


class FileTooLargeError(ImportFailure):
    """The file (or what it unpacks or parses to) is over a limit."""


class UnsafeArchiveError(ImportFailure):
    """A zip-based file is unsafe (paths leaving the archive, bombs, too many members)."""


class EmptyFileError(ImportFailure):
    """The file holds no features."""


class ReadError(ImportFailure):
    """The file is damaged or not what its name says."""


class CRSUnknownError(ImportFailure):
    """The file's coordinate system cannot be found, guessed or used."""


class CoordinateError(ImportFailure):
    """Coordinates are missing, not finite, or far from Shanghai."""


class GeometryError(ImportFailure):
    """Geometries are of the wrong kind or cannot be repaired."""


class SchemaError(ImportFailure):
    """Required fields are missing or not unique after the field mapping."""


class UnsafeContentError(ImportFailure):
    """The file holds something the importer never follows: XML entity declarations, a CRS or a
    parameter that points at files or URLs, content of another format than its name says."""


class LimitExceededError(ImportFailure):
    """Reading an upload went over the worker's memory, CPU-time or wall-clock limit; only the worker was
    stopped. ``params['limit']`` says which: ``"memory"``, ``"cpu"`` or ``"wall"``."""

    @property
    def limit(self) -> str:
        return str(self.params.get("limit", ""))


class WorkerError(RuntimeError):
    """Not a refusal but a bug: a worker process raised an unexpected exception or could not run.

    The message holds the worker's traceback for the server log; the UI shows its generic error with an id.
    """


# --- export (issues 10, 12) -------------------------------------------------------------------------------
class ExportError(PlannerError):
    """A layer cannot be exported as asked (format, CRS, encoding)."""

    title_code = "err_title_export"


# --- workspace, accounts, audit (issue 11) ---------------------------------------------------------------
class StoreError(PlannerError):
    """The workspace cannot be read or written (permission, disk full, corrupt, missing version)."""

    title_code = "err_title_workspace"
