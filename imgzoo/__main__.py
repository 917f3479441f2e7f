"""`python -m imgzoo`: the imgzoo command line."""
from .cli import main

raise SystemExit(main())
