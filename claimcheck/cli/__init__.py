"""The command line: parses options, calls the library, prints. Errors become exit codes here and only here.

- `entry`: the console script's entry point, light so a stop while starting is clean
- `main`: the `claimcheck` group's run commands (lint, fetch, check, report, ...) and `main()`, the entry point
- `common`: what every command shares (global options, claims and store opening)
- `review`: diff, history, accept, snooze, suggest, export; `author`: init, coverage, locate; `serve`: the review app;
  `admin`: store copy
"""
