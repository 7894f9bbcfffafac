"""Tiles: vector tiles of large layers, local raster tile sources (MBTiles, folders, GeoTIFF) and the byte-bounded
cache they share."""
