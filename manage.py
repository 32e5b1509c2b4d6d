#!/usr/bin/env python
"""Django's command-line utility; `bianban` is the same entry point installed as a console script."""

from bianban.__main__ import main

if __name__ == "__main__":
    main()
