"""How layers look: translation table, layer registry (styles, legend, popups), web map documents and print maps."""
