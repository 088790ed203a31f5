"""jixiao's ETL: read -> parse -> normalise -> check -> load."""
import os

# Ray (the optional cluster engine) re-launches its local workers through `uv run` when the driver
# itself runs under `uv run` (as scripts/test.sh and scripts/run.sh do), and those workers never start
# from its packaged copy of the working directory. The local workers use this very environment, so
# the hook is off unless a user turns it on. Read when ray is first imported: set before that.
os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
