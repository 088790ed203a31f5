#!/bin/sh
# usage: urlcheck.sh URL-or-substring ... : prints held labels whose source_url contains it
for u in "$@"; do echo "== $u"; grep -l -F "$u" /work/main/tests/data/real/labels/*/*.json 2>/dev/null; grep -rl -F "$u" /work/wt/dev5/tests/data/real/raw/dev5 2>/dev/null; done
