#!/usr/bin/env bash
# Copies the pinned browser libraries (package-lock.json) into vendor/,
# which the server embeds. Run after changing a version in package.json.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
rm -rf vendor && mkdir -p vendor/leaflet vendor/uplot
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
   node_modules/leaflet/LICENSE vendor/leaflet/
cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css \
   node_modules/uplot/LICENSE vendor/uplot/
echo "vendored: leaflet $(node -p 'require("./node_modules/leaflet/package.json").version'), uplot $(node -p 'require("./node_modules/uplot/package.json").version')"
