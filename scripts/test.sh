#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's chromium and a
# CJK font for the browser test) and run the whole suite.
source "$(dirname "$0")/bootstrap.sh" --extra test --extra cluster
bash scripts/install-browser.sh
bash scripts/install-fonts.sh
# pyproject.toml leaves the slow cases out of a bare `pytest`; the whole suite is asked for here.
exec $UV run --frozen pytest -m "slow or not slow" "$@"
