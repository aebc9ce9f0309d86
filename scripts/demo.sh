#!/usr/bin/env bash
# The README's first command: builds Huajie and serves the demo company. PDF reports need a
# Chinese font: Debian's fonts-noto-cjk is installed first when it is missing (as root), or
# name one with HUAJIE_CJK_FONT=/path/to/font.ttc. Extra arguments go to `huajie demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${HUAJIE_CJK_FONT:-}" ] && ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing fonts-noto-cjk (Chinese font for PDF reports)" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
    else
        echo "== no Chinese font found: PDF reports need one (apt-get install fonts-noto-cjk, or set HUAJIE_CJK_FONT)" >&2
    fi
fi
exec cargo run --bin huajie -- demo "$@"
