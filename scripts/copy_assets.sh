#!/usr/bin/env bash
# Copy the front-end assets installed by npm into static/vendor (served by Django/whitenoise).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest"/bootstrap "$dest"/bootstrap-icons/fonts "$dest"/chartjs "$dest"/tom-select
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$dest"/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$dest"/bootstrap/
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest"/bootstrap-icons/
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 "$dest"/bootstrap-icons/fonts/
cp node_modules/chart.js/dist/chart.umd.min.js "$dest"/chartjs/ 2>/dev/null || cp node_modules/chart.js/dist/chart.umd.js "$dest"/chartjs/chart.umd.min.js
cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/js/tom-select.complete.min.js "$dest"/tom-select/
# Source maps are not shipped: drop their references so collectstatic's manifest stays complete.
find "$dest" -name '*.map' -delete
find "$dest" \( -name '*.js' -o -name '*.css' \) -exec sed -i -e '/sourceMappingURL=/d' {} +
echo "assets copied to $dest"
