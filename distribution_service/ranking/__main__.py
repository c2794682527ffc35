import sys

from distribution_service.ranking.cli import main

sys.exit(main())
