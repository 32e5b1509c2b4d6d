"""Where the browser for end-to-end tests and screenshots lives: Debian's Chromium (Playwright cannot download
its own browsers on these machines), started with the flags that keep it off the network."""

import os

CHROMIUM = os.environ.get("BIANBAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)
