#!/usr/bin/env bash
# Install, ingest the bundled data (two real seeds + the synthetic sample corpus)
# into data/jixiao.duckdb, and open the dashboard on http://localhost:${PORT:-8501}.
# Only this machine can connect unless BIND is set (e.g. BIND=0.0.0.0); then every page asks for the
# password whose hash is in JIXIAO_PASSWORD_HASH or .streamlit/secrets.toml (python -m dashboard.access PW).
set --  # no arguments for uv sync
source "$(dirname "$0")/bootstrap.sh"
DB=${DB:-data/jixiao.duckdb}
bash "$(dirname "$0")/install-fonts.sh" || true  # the PDF report embeds it
$UV run --frozen jixiao sample data/sample
# exit code 1 would mean a bundled file failed; show the dashboard anyway
$UV run --frozen jixiao ingest data/seeds data/sample --db "$DB" || true
# dashboard.serve is `streamlit run dashboard/app.py` with the upload endpoint guarded from the start
exec $UV run --frozen python -m dashboard.serve --server.port "${PORT:-8501}" --server.address "${BIND:-127.0.0.1}" \
  --server.headless true -- --db "$DB"
