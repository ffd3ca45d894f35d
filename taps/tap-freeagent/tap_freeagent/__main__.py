"""`python -m tap_freeagent`."""

from tap_freeagent.tap import main

main()
