"""Project exception types: a catalogue code and parameters, so each error can be shown in the user's language.

Every error the application raises on purpose is a :class:`PlannerError` (a ``ValueError``). It is built
from a code of :data:`text.messages.CATALOGUE` and the values of its placeholders::

    raise ReadError("imp_read_failed", file=name, reason=...)

``str(exc)`` is the English text (logs, the command line); the UI shows ``exc.text(lang)``. Every message
says what was received, what was expected and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from text.clock import beijing_time
from text.messages import CATALOGUE, Message, t


class PlannerError(ValueError):
    """Base class for every error the application raises on purpose.

    Parameters
    ----------
    code : str
        A key of :data:`text.messages.CATALOGUE`.
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
        lines = [t(self.code, lang, **self.params)]
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


class RegulatoryError(PlannerError):
    """A compliance review cannot be done: a land-use table, the regulatory-plan layer or a proposal is unusable."""

    title_code = "err_title_regulatory"


class MonitoringError(PlannerError):
    """The yearly actuals of the plan's indicators cannot be used as given."""

    title_code = "err_title_monitoring"


class PerformanceError(PlannerError):
    """A land-performance (亩均效益) evaluation cannot be done: the statistics table or the scheme is unusable."""

    title_code = "err_title_performance"


# --- import -----------------------------------------------------------------------------------------------
class ImportRefusedError(DataValidationError):
    """An uploaded file cannot be imported; the message names the file and the fix."""

    title_code = "err_title_import"


class UnsupportedFormatError(ImportRefusedError):
    """The file's type is not one the importer reads."""


class FileTooLargeError(ImportRefusedError):
    """The file (or what it unpacks or parses to) is over a limit."""


class UnsafeArchiveError(ImportRefusedError):
    """A zip-based file is unsafe (paths leaving the archive, bombs, too many members)."""


class EmptyFileError(ImportRefusedError):
    """The file holds no features."""


class ReadError(ImportRefusedError):
    """The file is damaged or not what its name says."""


class CRSUnknownError(ImportRefusedError):
    """The file's coordinate system cannot be found, guessed or used."""


class CoordinateError(ImportRefusedError):
    """Coordinates are missing, not finite, or far from Shanghai."""


class GeometryError(ImportRefusedError):
    """Geometries are of the wrong kind or cannot be repaired."""


class SchemaError(ImportRefusedError):
    """Required fields are missing or not unique after the field mapping."""


class UnsafeContentError(ImportRefusedError):
    """The file holds something the importer never follows: XML entity declarations, a CRS or a
    parameter that points at files or URLs, content of another format than its name says."""


class LimitExceededError(ImportRefusedError):
    """Reading an upload went over the worker's memory, CPU-time or wall-clock limit; only the worker was
    stopped. ``params['limit']`` says which: ``"memory"``, ``"cpu"`` or ``"wall"``."""

    @property
    def limit(self) -> str:
        return str(self.params.get("limit", ""))


class WorkerError(RuntimeError):
    """Not a refusal but a bug: a worker process raised an unexpected exception or could not run.

    The message holds the worker's traceback for the server log; the UI shows its generic error with an id.
    """


# --- export -----------------------------------------------------------------------------------------------
class ExportError(PlannerError):
    """A layer cannot be exported as asked (format, CRS, encoding)."""

    title_code = "err_title_export"


# --- context data, local basemap tiles -------------------------------------------------------------------
class TileError(PlannerError):
    """A local tile package cannot be opened or read, or a tile request is not valid."""

    title_code = "err_title_tiles"


# --- workspace, accounts, audit --------------------------------------------------------------------------
class StoreError(PlannerError):
    """The workspace cannot be read or written (permission, disk full, corrupt, missing version)."""

    title_code = "err_title_workspace"


class WorkspaceReadOnlyError(StoreError):
    """The workspace was opened read-only (no write permission, read-only role or file system): reading works,
    saving does not; the message says why."""


class WorkspaceFullError(StoreError):
    """The disk (or database) holding the workspace is full; nothing was written."""


class WorkspaceCorruptError(StoreError):
    """The workspace file is damaged or not a workspace; it is never overwritten (recover from a backup)."""


class WorkspaceUnavailableError(StoreError):
    """The workspace cannot be reached (database server down, wrong address, file missing permissions)."""


class ConflictError(StoreError):
    """Someone saved the scenario since the version this save started from.

    Attributes
    ----------
    scenario_id : str
    base_version : int or None
        The version the save started from.
    latest_version : int
        The version saved since (by ``saved_by`` at ``saved_at``, UTC ISO 8601).
    saved_by, saved_at : str
    changes : Message
        What changed between ``base_version`` and ``latest_version``.

    The two ways out are :meth:`store.scenarios.ScenarioRepository.save` with ``overwrite_from=latest_version``
    (save over after review, audited) or :meth:`store.scenarios.ScenarioRepository.save_branch` (a new scenario
    whose parent is this one).
    """

    title_code = "err_title_conflict"

    def __init__(
        self,
        code: str,
        /,
        *,
        scenario_id: str,
        base_version: int | None,
        latest_version: int,
        saved_by: str,
        saved_at: str,
        changes: Message,
        **params: Any,
    ) -> None:
        self.scenario_id = scenario_id
        self.base_version = base_version
        self.latest_version = latest_version
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.changes = changes
        # the message shows Beijing time (UTC+8); the attribute keeps the stored UTC text
        super().__init__(
            code,
            scenario_id=scenario_id,
            base_version=base_version if base_version else 0,
            latest_version=latest_version,
            saved_by=saved_by,
            saved_at=beijing_time(saved_at),
            changes=changes,
            **params,
        )


class ScenarioFileError(StoreError):
    """A scenario GeoPackage to import is malformed (not a GeoPackage, bad JSON, bad geometry, wrong schema)."""

    title_code = "err_title_import"


class AuthError(PlannerError):
    """A sign-in failed (unknown account or wrong password, locked, disabled, expired session, no account for an
    SSO user). The message never says which of name or password was wrong."""

    title_code = "err_title_auth"


class AccountNameError(PlannerError):
    """An account name is not valid (1–64 letters, digits, Chinese characters or . _ @ -): a mistake in what was
    typed or sent, not a fault of the workspace."""

    title_code = "err_title_account_name"


class PermissionDeniedError(PlannerError):
    """The acting user's role does not allow this action (checked in planner/, not only by hidden buttons)."""

    title_code = "err_title_permission"


class SettingsError(PlannerError):
    """An operator's setting (an environment variable) cannot be used: raised when the server starts."""

    title_code = "err_title_settings"


# --- vector tiles -----------------------------------------------------------------------------------------
class TileRequestError(PlannerError):
    """A tile, values or click request names no valid tile or point (answered with HTTP 400)."""

    title_code = "err_title_tile_request"
