"""Pure geographic logic for Putuo Park Planner: no Streamlit or folium imports live here."""
