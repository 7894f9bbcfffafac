"""How layers look: translation table, layer registry (styles, legend, popups) and folium builders."""
