"""``python -m pipeline``: the command line (``pipeline/cli.py``)."""

import sys

# pandera imports hypothesis whenever it is installed (``make setup`` installs it, for the tests)
# to offer data synthesis, which the pipeline never uses: a fifth of a second of every month's
# start-up. pandera reads hypothesis as optional, so in this process its import is refused.
sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]

from pipeline.cli import main  # noqa: E402

main()
