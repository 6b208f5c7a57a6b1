"""``python -m newsclean clean PATH... -o OUT``."""
import sys

from newsclean.cli import main

if __name__ == "__main__":
    sys.exit(main())
