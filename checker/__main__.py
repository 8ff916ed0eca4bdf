import sys

from checker.cli import main

sys.exit(main(sys.argv[1:]))
