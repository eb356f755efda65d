"""Allow ``python -m fadecast``."""

from fadecast.cli import main

main()
