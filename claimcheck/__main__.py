"""`python -m claimcheck`: the same as the `claimcheck` command."""

from claimcheck.cli.entry import main

main()
