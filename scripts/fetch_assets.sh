#!/usr/bin/env bash
# Install the browser assets the map needs (Leaflet JS/CSS and its marker images) from the npm
# registry into static/vendor/, so the app never loads a script from a CDN. Not committed (.gitignore).
set -euo pipefail
cd "$(dirname "$0")/.."
LEAFLET_VERSION=1.9.4
dest=static/vendor/leaflet
if [ -f "$dest/leaflet.js" ] && grep -q "$LEAFLET_VERSION" "$dest/VERSION" 2>/dev/null; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "leaflet@$LEAFLET_VERSION" >/dev/null && tar -xzf leaflet-*.tgz)
mkdir -p "$dest"
cp -r "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/dist/images" "$dest/"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
echo "$LEAFLET_VERSION" > "$dest/VERSION"
echo "Leaflet $LEAFLET_VERSION installed in $dest"
