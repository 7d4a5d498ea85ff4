"""``python -m bibkit`` runs the CLI."""

import sys

from .app.collector import collector_paused

# start-up (importing the command line) makes only objects that live as long as the process: modules, classes,
# functions, tables; the cycle collector would walk them a few dozen times and find nothing (see main())
with collector_paused():
    from .cli import console

sys.exit(console())
