"""A month-end command killed at its n-th rename, replace or removal of a file, in a process of
its own, where a kill runs nothing after it: no finally, no clean-up. The processes are forked
from one server that has imported the commands once (multiprocessing's forkserver, where the
system has one), so each kill costs the command and not a Python start."""

import multiprocessing
import os
import pathlib
import sys
import traceback

from workbook import apply_moves, close

if sys.platform == "win32":
    _CONTEXT = multiprocessing.get_context("spawn")
else:
    _CONTEXT = multiprocessing.get_context("forkserver")
    _CONTEXT.set_forkserver_preload([__name__])


def _run(at: int, path: str, command: str, failed: str) -> None:
    """The command, its traceback written to `failed` if it fails: the forked process's standard
    error is the server's, which no test captures."""
    done = [0]

    def killing(op):
        def run(*args, **kwargs):
            done[0] += 1
            if done[0] == at:
                os._exit(9)  # as a kill does
            return op(*args, **kwargs)
        return run
    os.replace = killing(os.replace)
    pathlib.Path.rename, pathlib.Path.unlink = killing(pathlib.Path.rename), killing(pathlib.Path.unlink)
    try:
        if command == "close":
            close.close_file(path, "2026-10", replace=True)
        else:
            apply_moves.apply_file(path)
    except BaseException:
        pathlib.Path(failed).write_text(traceback.format_exc())
        raise


def killed_at(at: int, path: pathlib.Path, command: str, most: int) -> None:
    """`command` ('close' with --replace, or 'apply') on the workbook at `path`, killed at its
    `at`-th file operation; at `most`, the test's last, it must have run whole."""
    failed = path.with_name("failed.txt")
    process = _CONTEXT.Process(target=_run, args=(at, str(path), command, str(failed)))
    process.start()
    process.join(120)
    assert process.exitcode in (0, 9), failed.read_text() if failed.exists() else f"exit code {process.exitcode}"
    if at == most:
        assert process.exitcode == 0, f"the command does more than {most - 1} file operations: widen the test's range"
