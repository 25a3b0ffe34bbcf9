"""``python -m kbtools`` is the ``kb`` command."""
import sys

from kbtools.cli import main

sys.exit(main())
