"""``python -m newsbot`` is the ``newsbot`` command."""

from newsbot.cli import main

# Guarded: spawned extraction workers import the main module too, and must not run the command.
if __name__ == "__main__":
    main()
