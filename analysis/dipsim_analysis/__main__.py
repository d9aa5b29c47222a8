"""``python3 -m dipsim_analysis …``: see :mod:`dipsim_analysis.cli`."""
import sys

from .cli import main

sys.exit(main())
