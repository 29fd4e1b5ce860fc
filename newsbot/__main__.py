"""``python -m newsbot`` is the ``newsbot`` command."""

from newsbot.cli import main

main()
