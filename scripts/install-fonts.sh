#!/usr/bin/env bash
# A TrueType CJK font that the PDF report can embed (ReportLab cannot embed Noto CJK's CFF outlines).
# Without it the report falls back to ReportLab's STSong-Light (text still extractable, glyphs from the reader).
set -euo pipefail
if ! ls /usr/share/fonts/truetype/wqy/wqy-*.ttc >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null \
    || echo "fonts-wqy-microhei not installed: the PDF report uses ReportLab's built-in CJK font" >&2
fi
