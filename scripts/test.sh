#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium and a
# CJK font for the browser test) and run the whole suite, slow cases included,
# in parallel: one pytest worker per core (at most 4; TEST_WORKERS=N to choose,
# TEST_WORKERS=0 for one process). Files stay whole on one worker (--dist loadfile),
# so a module's database fixture is built once.
source "$(dirname "$0")/bootstrap.sh" --extra test --extra cluster
bash scripts/install-browser.sh
bash scripts/install-fonts.sh
workers=${TEST_WORKERS:-$(nproc)}
[ "$workers" -gt 4 ] && workers=4
if [ "$workers" -gt 1 ]; then
  exec $UV run --frozen pytest -n "$workers" --dist loadfile "$@"
fi
exec $UV run --frozen pytest "$@"
