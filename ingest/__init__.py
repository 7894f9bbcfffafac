"""Reading users' files: sniffing, safe archives, encodings, tables, GDAL reads, CRS guesses, field mapping,
combining with a layer — every parse in a sandboxed worker with limits."""
