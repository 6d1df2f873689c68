"""python -m alignscape.bench: run the benchmarks (see alignscape.bench.runner)."""

import sys

from alignscape.bench.runner import main

sys.exit(main())
