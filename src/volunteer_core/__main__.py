"""``python -m volunteer_core``."""

import sys

from volunteer_core.cli import main

sys.exit(main())
