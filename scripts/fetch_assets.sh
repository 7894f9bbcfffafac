#!/usr/bin/env bash
# Install the browser assets the maps need (Leaflet, Leaflet.draw, their CSS and images) from the npm
# registry into static/vendor/, so the app never loads a script from a CDN. Not committed (.gitignore).
set -euo pipefail
cd "$(dirname "$0")/.."

fetch() {  # fetch NAME VERSION DEST FILE...: copy dist files of an npm package into static/vendor/DEST
  local name=$1 version=$2 dest=static/vendor/$3
  shift 3
  if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
  rm -rf "$dest" && mkdir -p "$dest"
  for f in "$@"; do cp -r "$tmp/package/dist/$f" "$dest/"; done
  cp "$tmp/package/LICENSE"* "$dest/" 2>/dev/null || true
  echo "$version" > "$dest/VERSION"
  rm -rf "$tmp"
  echo "$name $version installed in $dest"
}

fetch leaflet 1.9.4 leaflet leaflet.js leaflet.css images
fetch leaflet-draw 1.0.4 leaflet-draw leaflet.draw.js leaflet.draw.css images

# Vector tiles (static/js/vector_tiles.js): the MVT decoder and its protobuf reader, as ES modules loaded
# with import() by URL. The decoder's one bare import is pointed at the file beside it, so no import map
# (and no bundler) is needed.
fetch_module() {  # fetch_module NAME VERSION DEST: copy an ES-module package's index.js into static/vendor/DEST
  local name=$1 version=$2 dest=static/vendor/$3
  if [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
  rm -rf "$dest" && mkdir -p "$dest"
  cp "$tmp/package/index.js" "$dest/"
  cp "$tmp/package/LICENSE"* "$dest/" 2>/dev/null || true
  sed -i "s#from '@mapbox/point-geometry';#from '../point-geometry/index.js';#" "$dest/index.js"
  echo "$version" > "$dest/VERSION"
  rm -rf "$tmp"
  echo "$name $version installed in $dest"
}

fetch_module pbf 5.1.2 pbf
fetch_module @mapbox/point-geometry 1.1.0 point-geometry
fetch_module @mapbox/vector-tile 3.0.0 vector-tile
