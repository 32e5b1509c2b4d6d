"""A progress bar on stderr for the long bench commands: redrawn in place on a terminal, one line per tenth
otherwise (logs, CI)."""

import time
from typing import TextIO

WIDTH = 24


class ProgressBar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.label = ""
        self._last_draw = 0.0
        self._last_tenth = -1

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            if self.label and self.tty:
                self.stream.write("\n")
            self.label, self._last_tenth = label, -1
        share = done / total if total else 1.0
        now = time.monotonic()
        text = (f"{label} [{'#' * int(share * WIDTH)}{'.' * (WIDTH - int(share * WIDTH))}] {share:4.0%} "
                f"{done:,}/{total:,}  {now - self.started:5.1f} 秒")
        if self.tty:
            if now - self._last_draw >= 0.1 or done >= total:
                self._last_draw = now
                self.stream.write("\r" + text)
                self.stream.flush()
        elif int(share * 10) != self._last_tenth:
            self._last_tenth = int(share * 10)
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.label and self.tty:
            self.stream.write("\n")
            self.stream.flush()
