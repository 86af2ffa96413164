"""LibreOffice, the tests' oracle: files converted by it headless, and the mark that skips a test,
saying why, where it is not installed."""

import shutil
import subprocess
from pathlib import Path

import pytest

NEEDED = pytest.mark.skipif(shutil.which("soffice") is None,
                            reason="LibreOffice (Debian package libreoffice-calc) is not installed")


def convert(paths, to: str, folder: Path, profile: Path, timeout: int = 180) -> None:
    """`paths` converted by LibreOffice to `to` ("xlsx", "pdf") into `folder`, with its own
    user profile under `profile` (a test's tmp_path), so that tests run side by side."""
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}/profile",
                    "--convert-to", to, "--outdir", str(folder), *map(str, paths)],
                   check=True, capture_output=True, timeout=timeout)
