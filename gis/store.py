"""Compatibility shim for pages not yet rewired: the first workspace API (ScenarioStore) on gis.workspace.

Deprecated: use :func:`gis.workspace.open_workspace` (or planner/workspace.py from views/). Everything here
acts as the local single user (or the given author) and saves over the latest version without a conflict
check, as the single-user app did; new code must pass ``base_version`` instead.
"""

from __future__ import annotations

import builtins
import os

import geopandas as gpd
import pandas as pd
import shapely

from gis.errors import StoreError
from gis.scenario import Scenario
from gis.workspace import Workspace, open_workspace
from gis.workspace.accounts import local_user_name

__all__ = ["ScenarioStore", "StoreError"]


class ScenarioStore:
    """The scenarios, mappings and layers of one GeoPackage workspace (old interface)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.ws: Workspace = open_workspace(path=path)
        self.path = path

    def save(self, scenario: Scenario, *, author: str | None = None) -> tuple[Scenario, int]:
        actor = author or scenario.author or local_user_name()
        head = self.ws.scenario(scenario.id)
        saved = self.ws.save_scenario(scenario, actor=actor, base_version=head.version if head else None)
        return saved.scenario, saved.version

    def list(self) -> pd.DataFrame:
        rows = [(h.id, h.name, h.saved_by, h.version, h.saved_at) for h in self.ws.scenarios()]
        return pd.DataFrame(rows, columns=["id", "name", "author", "version", "saved_at"])

    def history(self, scenario_id: str) -> pd.DataFrame:
        rows = [(v.version, v.saved_at, v.author, v.changes.text("en")) for v in self.ws.history(scenario_id)]
        return pd.DataFrame(rows, columns=["version", "saved_at", "author", "changes"])

    def load(self, scenario_id: str, *, version: int | None = None) -> Scenario:
        return self.ws.load_scenario(scenario_id, version=version)[0]

    def drawn_geometries(self, scenario_id: str, version: int) -> dict[str, shapely.Geometry]:
        return self.ws.drawn_geometries(scenario_id, version)

    def export(self, path: str | os.PathLike, scenario_ids: builtins.list[str]) -> None:
        self.ws.export_scenarios(path, scenario_ids)

    def import_from(self, path: str | os.PathLike) -> builtins.list[str]:
        """Every scenario of the file added as a NEW scenario; returns the new ids."""
        done = self.ws.import_scenarios(path, actor=local_user_name(), label=os.path.basename(str(path)))
        return [d.new_id for d in done]

    def save_mapping(self, signature: str, layer_kind: str, mapping: dict) -> None:
        self.ws.save_mapping(signature, layer_kind, mapping, actor=local_user_name())

    def load_mapping(self, signature: str) -> dict | None:
        return self.ws.load_mapping(signature)

    def save_layer(self, layer_id: str, gdf: gpd.GeoDataFrame) -> None:
        self.ws.publish_layer(layer_id, gdf, actor=local_user_name())

    def saved_layers(self) -> dict[str, gpd.GeoDataFrame]:
        return self.ws.current_layers()
