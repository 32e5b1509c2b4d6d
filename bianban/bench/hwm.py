"""`python -m bianban.bench.hwm -c CODE …` or `… -m MODULE …`: run that Python command line and, on the way out,
write this process's own peak resident memory to the file named by BIANBAN_HWM_FILE.

Why not the rusage `wait4` returns: Linux carries `ru_maxrss` over from the parent across fork and exec, so a child
of a large process (the test runner, a benchmark that loaded the register) reports at least its parent's size.
VmHWM in /proc/self/status belongs to the memory map created by exec, so it is the child's alone.
"""

import atexit
import os
import runpy
import sys


def _write_peak() -> None:
    path = os.environ.get("BIANBAN_HWM_FILE")
    if not path:
        return
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(path, "w") as out:
                    out.write(line.split()[1])  # kB
                return


def main() -> None:
    atexit.register(_write_peak)
    flag, target, *rest = sys.argv[1:]
    if flag == "-c":
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    elif flag == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        raise SystemExit(f"bianban.bench.hwm: expected -c or -m, not {flag}")


if __name__ == "__main__":
    main()
