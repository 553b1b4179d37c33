"""`python -m claimcheck`: the same as the `claimcheck` command."""

from claimcheck.cli.main import main

main()
