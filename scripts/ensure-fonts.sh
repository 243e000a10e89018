#!/usr/bin/env bash
# The printable notices embed a Chinese font: Noto Sans CJK (Debian's fonts-noto-cjk) unless
# FUPIN_PDF_FONT names another. Installed here when missing and we may; otherwise said.
set -euo pipefail
if [ -n "${FUPIN_PDF_FONT:-}" ] || [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "fupin: installing Debian's fonts-noto-cjk for the printable notices" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
else
  echo "fupin: no Chinese font for printable notices; install fonts-noto-cjk or set FUPIN_PDF_FONT" >&2
fi
