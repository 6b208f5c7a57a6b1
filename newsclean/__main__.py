"""``python -m newsclean clean PATH... -o OUT``."""
from newsclean.cli import run

if __name__ == "__main__":
    run()
