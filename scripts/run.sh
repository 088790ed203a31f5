#!/usr/bin/env bash
# Install, ingest the bundled data (two real seeds + the synthetic sample corpus)
# into data/jixiao.duckdb, and open the dashboard on http://localhost:${PORT:-8501}.
# DB=your.duckdb opens your own database instead, and loads nothing into it: the sample
# corpus goes into the default database only, unless SAMPLE=1 asks for it.
# Only this machine can connect unless BIND is set (e.g. BIND=0.0.0.0); then every page asks for the
# password whose hash is in JIXIAO_PASSWORD_HASH or .streamlit/secrets.toml (python -m dashboard.access PW).
# --inexact: keep what `scripts/test.sh` installed (the test extras); the two scripts do not undo each other.
set -- --inexact
source "$(dirname "$0")/bootstrap.sh"
DEFAULT_DB=data/jixiao.duckdb
DB=${DB:-$DEFAULT_DB}
bash "$(dirname "$0")/install-fonts.sh" || true  # the PDF report embeds it
if [ "$DB" = "$DEFAULT_DB" ] || [ "${SAMPLE:-0}" = "1" ]; then
  $UV run --frozen jixiao sample data/sample
  # exit code 1 would mean a bundled file failed; show the dashboard anyway
  $UV run --frozen jixiao ingest data/seeds data/sample --db "$DB" || true
else
  echo "打开数据库 $DB（不导入示例数据；需要时加 SAMPLE=1）"
fi
# dashboard.serve is `streamlit run dashboard/app.py` with the upload endpoint guarded from the start and
# the pages' modules imported before the first visitor; the password gate follows the address it listens on
exec $UV run --frozen python -m dashboard.serve --server.port "${PORT:-8501}" \
  --server.address "${BIND:-127.0.0.1}" --server.headless true -- --db "$DB"
