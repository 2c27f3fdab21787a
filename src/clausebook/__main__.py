import sys

from clausebook.commands.cli import main

sys.exit(main())
