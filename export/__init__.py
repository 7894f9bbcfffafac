"""Writing files for other tools: the formats, target coordinate systems, formula safety and field-name cutting."""
