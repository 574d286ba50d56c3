#!/bin/sh
# Build the front end into pathways/frontend/, where the app serves it from and a wheel carries
# it: our CSS compiled from GOV.UK Frontend's Sass, GOV.UK Frontend's fonts, images and script,
# and HTMX. Needs `npm ci` first. Used by `make install` and the Dockerfile.
set -eu
cd "$(dirname "$0")/.."
out=pathways/frontend
govuk=node_modules/govuk-frontend/dist/govuk
rm -rf "$out"
mkdir -p "$out/govuk" "$out/htmx"
npm run --silent build:css
cp -R "$govuk/assets" "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$out/govuk/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
touch "$out/.built"
