"""``python -m pipeline``: the command line (``pipeline/cli.py``)."""

import gc
import sys

# Loading the program (pandas, pandera, the writers…) makes a million objects and no garbage; the
# collector would scan them some three hundred times, a tenth of a month's start-up. It is paused
# until the command has loaded what it needs (``cli._loaded``).
gc.disable()

# pandera imports hypothesis whenever it is installed (``make setup`` installs it, for the tests)
# to offer data synthesis, which the pipeline never uses: a fifth of a second of every month's
# start-up. And for each column it checks, pandera tries to import geopandas, not installed: a
# search of the whole import path each time. pandera takes both as optional, so in this process
# they are marked absent and their imports fail at once.
sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]
sys.modules.setdefault("geopandas", None)  # type: ignore[arg-type]

from pipeline.cli import main  # noqa: E402

try:
    main()
finally:
    # Ending the interpreter runs a last full collection over every object left (a fifth to half
    # a second after a month): frozen, they are not scanned; the process's memory goes anyway.
    gc.freeze()
