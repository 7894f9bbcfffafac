"""Data page: every layer with its feature count, sources, accuracy, and the invariant check."""

import pandas as pd
import streamlit as st

from gis.datasets import LAYER_FILES
from gis.validate import invariant_problems
from layers.i18n import t
from views import common

lang = common.lang()
data = common.load_or_stop()
st.title(t("data_title", lang))
st.warning(t("demo_banner", lang))

rows = []
for layer_id in ("district", "creek_edge", "subparks", "zones", "buildings", "parcels", "stations"):
    gdf = data.layer(layer_id)
    rows.append({t("data_layers", lang): f"{layer_id} ({LAYER_FILES[layer_id][0]})",
                 t("data_features", lang): len(gdf),
                 t("f_source", lang): " | ".join(sorted(set(gdf["source"].astype(str)))[:3]),
                 t("f_accuracy", lang): " | ".join(sorted(set(gdf["accuracy"].astype(str)))[:2])})
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

st.subheader(t("data_validation", lang))
problems = invariant_problems(data)
if problems:
    for p in problems:
        st.error(p)
else:
    st.success(t("data_valid", lang))

st.subheader(t("data_replace", lang))
st.markdown(t("data_replace_text", lang))
st.caption(t("data_licences", lang))
