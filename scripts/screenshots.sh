#!/usr/bin/env bash
# The README tour's pictures, remade in one command: the demo company at a fixed moment
# (2026-12-07 10:00 北京时间), served on a local port and photographed in headless Chromium —
# the dashboard, a valuation run and the indicators at 1280 px, the party list at a phone's
# 390 px — into docs/screenshots/ (each PNG at most 300 KB; the journey fails otherwise).
# Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver); name
# others with HUAJIE_CHROMIUM / HUAJIE_CHROMEDRIVER.
set -euo pipefail
cd "$(dirname "$0")/.."
export HUAJIE_CHROMEDRIVER="${HUAJIE_CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}"
export HUAJIE_CHROMIUM="${HUAJIE_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"
if [ ! -x "$HUAJIE_CHROMEDRIVER" ]; then
    echo "no chromedriver at $HUAJIE_CHROMEDRIVER: apt-get install chromium chromium-driver, or set HUAJIE_CHROMEDRIVER" >&2
    exit 1
fi
out="$PWD/docs/screenshots"
mkdir -p "$out"
HUAJIE_README_SCREENSHOTS="$out" cargo test -p huajie-web --test browser -- --exact narrow::readme_screenshots
ls -l "$out"/*.png
