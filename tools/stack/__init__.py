"""The native stack runner behind `make up`, `make down`, `make scale`, `make status` and `make logs`.

It runs every service under gunicorn and the gateway under nginx, all supervised by one supervisord,
against the machine's PostgreSQL and Redis (or ones it starts itself when none answers). Everything it
creates lives in STACK_DIR (default .stack/), so several stacks (a developer's and the e2e tests') can
run side by side on different ports, databases and Redis numbers.
"""
