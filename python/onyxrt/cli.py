"""The ``onyxrt`` console script: runs the C++ command-line tool bundled in the wheel.

The tool is built with the library and installed next to this package (``onyxrt/onyxrt``), so
``pip install .`` gives the same ``onyxrt run`` / ``onyxrt inspect`` as a C++ build does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def bundled_binary() -> Path:
    """Path of the command-line tool shipped inside the installed package."""
    return Path(__file__).resolve().parent / ("onyxrt.exe" if os.name == "nt" else "onyxrt")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    binary = bundled_binary()
    if not binary.is_file():
        sys.stderr.write(
            f"onyxrt: the command-line tool is missing from the package ({binary}); "
            "reinstall onyxrt with the CLI enabled (ONYXRT_BUILD_CLI=ON)\n"
        )
        return 1
    if argv is None and os.name == "posix":
        # Replace this process so that signals and the exit status are the tool's own.
        os.execv(str(binary), [str(binary), *args])
    return subprocess.call([str(binary), *args])


if __name__ == "__main__":
    sys.exit(main())
