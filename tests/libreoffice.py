"""LibreOffice, the tests' oracle: files converted by it headless, and the mark that skips a test,
saying why, where it is not installed."""

import atexit
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

NEEDED = pytest.mark.skipif(shutil.which("soffice") is None,
                            reason="LibreOffice (Debian package libreoffice-calc) is not installed")


def convert(paths, to: str, folder: Path, timeout: int = 180) -> None:
    """`paths` converted by LibreOffice to `to` ("xlsx", "pdf") into `folder`. Each test process
    has a user profile of its own, made at its first conversion (0.3 s) and used by the next:
    tests run side by side in processes of their own, each converting one file at a time."""
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={_profile().as_uri()}",
                    "--convert-to", to, "--outdir", str(folder), *map(str, paths)],
                   check=True, capture_output=True, timeout=timeout)


@functools.cache
def _profile() -> Path:
    """This process's LibreOffice user profile, a folder removed when the process ends."""
    folder = Path(tempfile.mkdtemp(prefix="libreoffice-profile-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder / "profile"
