"""A user's work in progress kept in the workspace: language, weights, preset, rule and the scenario being edited."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gis.scenario import Scenario
from planner.auth import User
from store import Workspace
from text.clock import utc_now_iso

#: The name the draft is kept under, per account (``ws.settings.get_own``).
DRAFT = "draft"
#: Set to 0 to keep no drafts (the test suite does, so that one test's draft does not open the next test's page).
ENV_SWITCH = "PUTUO_AUTOSAVE"


@dataclass(frozen=True)
class Draft:
    """What a user was doing, as last autosaved.

    Attributes
    ----------
    lang : str or None
        The interface language ('zh'/'en').
    weights : mapping of criterion -> weight (0–100)
        The weights chosen on the parcels page.
    preset : str or None
        The weight preset last chosen ('custom' once a slider moved).
    park_use_rule : bool
        The optional 控规 rule of the parcels page.
    scenario : Scenario or None
        The scenario being edited (saved or not), None when none was opened or changed.
    base : (scenario id, version) or None
        The saved version the edit started from (a later save checks it).
    saved_at : str
        When the draft was kept (UTC, ISO 8601).
    """

    lang: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    preset: str | None = None
    park_use_rule: bool = False
    scenario: Scenario | None = None
    base: tuple[str, int] | None = None
    saved_at: str = ""

    def content(self) -> dict[str, Any]:
        """The draft as JSON-ready data without its time (equal content, equal data: nothing to save)."""
        return {
            "lang": self.lang,
            "weights": {k: float(v) for k, v in sorted(self.weights.items())},
            "preset": self.preset,
            "park_use_rule": bool(self.park_use_rule),
            "scenario": json.loads(self.scenario.to_json()) if self.scenario is not None else None,
            "base": list(self.base) if self.base else None,
        }


def enabled() -> bool:
    """Whether drafts are kept (``PUTUO_AUTOSAVE`` is not 0)."""
    return os.environ.get(ENV_SWITCH, "1").strip() != "0"


def _draft(value: Any) -> Draft | None:
    """A stored draft read defensively: anything malformed is no draft (never an error on a page)."""
    if not isinstance(value, dict):
        return None
    try:
        scenario = value.get("scenario")
        base = value.get("base")
        weights = value.get("weights") or {}
        return Draft(
            lang=value.get("lang") if value.get("lang") in ("zh", "en") else None,
            weights={str(k): min(max(float(v), 0.0), 100.0) for k, v in dict(weights).items()},
            preset=str(value["preset"]) if value.get("preset") else None,
            park_use_rule=bool(value.get("park_use_rule")),
            scenario=Scenario.from_json(json.dumps(scenario)) if isinstance(scenario, dict) else None,
            base=(str(base[0]), int(base[1])) if isinstance(base, list) and len(base) == 2 else None,
            saved_at=str(value.get("saved_at") or ""),
        )
    except (TypeError, ValueError, KeyError):
        return None


def load(ws: Workspace, user: User) -> Draft | None:
    """The user's last draft in this workspace, or None (none kept, drafts off, or unreadable)."""
    if not enabled():
        return None
    return _draft(ws.settings.get_own(user.name, DRAFT))


def save(ws: Workspace, user: User, draft: Draft) -> None:
    """Keep ``draft`` as the user's (replacing the last one). Raises the workspace's StoreError (e.g. read-only)."""
    if enabled():
        ws.settings.set_own(user.name, DRAFT, {**draft.content(), "saved_at": utc_now_iso()})


def forget_scenario(ws: Workspace, user: User) -> None:
    """Drop the scenario from the user's draft ("discard the draft"); the weights and language stay."""
    kept = load(ws, user)
    if kept is not None:
        ws.settings.set_own(user.name, DRAFT, {**kept.content(), "scenario": None, "base": None, "saved_at": ""})
