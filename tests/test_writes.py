"""Writing a workbook (workbook/writes.py): one command at a time, never half, and the file keeps
its mode, owner and links."""

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from killing import killed_at
from test_apply_moves import department
from test_close import history_rows, reopen_october, small
from workbook import apply_moves, cli, close, recalc, writes
from workbook.file_book import FileBook


def test_a_second_command_is_refused_while_one_writes_and_nothing_is_lost(tmp_path, capsys):
    """A recalc paused inside its write (just before it replaces the file); a close-month and
    another recalc meanwhile are refused with a message; then the recalc ends and the close runs,
    and History has the month."""
    path = small(tmp_path)
    inside, go = tmp_path / "inside", tmp_path / "go"
    script = (
        "import time\nfrom pathlib import Path\nfrom workbook import recalc, writes\n"
        "replace = writes.Held.replace\n"
        "def paused(self, write):\n"
        f"    Path({str(inside)!r}).write_text('')\n"
        f"    while not Path({str(go)!r}).exists():\n"
        "        time.sleep(0.02)\n"
        "    replace(self, write)\n"
        "writes.Held.replace = paused\n"
        f"recalc.recalc({str(path)!r})\n")
    first = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parent)
    deadline = time.monotonic() + 60
    while not inside.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert inside.exists(), "the first command never reached its write"
    before = path.read_bytes()
    assert cli.main(["close-month", str(path)]) == 2
    assert cli.main(["recalc", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("another ladderbook command is working on dept.xlsx") == 2
    assert path.read_bytes() == before and not (tmp_path / "dept-archive").exists()
    go.write_text("")
    assert first.wait(60) == 0
    assert cli.main(["close-month", str(path)]) == 0
    assert {r["月份"].strftime("%Y-%m") for r in history_rows(path)} == {"2026-09", "2026-10"}
    assert not list(tmp_path.glob(".~ladderbook-*"))  # no lock or temporary left behind


def test_a_workbook_changed_by_another_program_meanwhile_is_not_overwritten(tmp_path, capsys):
    path = small(tmp_path)

    def saved_elsewhere(done, total):
        if done == 1:  # Excel saving the file while recalc works
            wb = openpyxl.load_workbook(path)
            wb["员工名册"]["B2"] = "王芳芳"
            wb.save(path)

    with pytest.raises(writes.Refused, match="changed while ladderbook worked on it"):
        recalc.recalc(path, progress=saved_elsewhere)
    assert openpyxl.load_workbook(path, read_only=True)["员工名册"]["B2"].value == "王芳芳"


def test_mode_owner_and_links_are_kept(tmp_path):
    path = small(tmp_path)
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 1234)
    also = tmp_path / "同一文件.xlsx"
    os.link(path, also)  # a hard link: HR's second name for it
    link = tmp_path / "快捷方式.xlsx"
    link.symlink_to(path.name)
    inode = path.stat().st_ino
    recalc.recalc(link)  # through the symlink
    assert link.is_symlink()
    info = path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o640 and info.st_ino == inode  # written into it: the hard link
    assert also.read_bytes() == path.read_bytes()
    shown = openpyxl.load_workbook(also, data_only=True, read_only=True)
    assert shown["看板"]["B2"].value is not None  # values stored
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 1234)
    os.unlink(also)
    closed = close.close_file(link)
    info = path.stat()
    assert link.is_symlink() and stat.S_IMODE(info.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 1234)
    for kept in (closed.backup, closed.archive, closed.archive.with_name("SHA256SUMS")):
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640, kept


def test_a_read_only_workbook_is_refused_with_a_message(tmp_path, capsys):
    path = small(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    for command in (["close-month", str(path)], ["recalc", str(path)], ["apply-moves", str(path)]):
        assert cli.main(command) == 2, command
        assert "dept.xlsx is read-only" in capsys.readouterr().err
    assert path.read_bytes() == before and not (tmp_path / "dept-archive").exists()
    assert cli.main(["export", str(path)]) == 0  # reading it is fine


@pytest.mark.skipif(sys.platform == "win32", reason="Windows limits a name's characters, not its bytes")
def test_a_workbook_whose_name_leaves_no_room_for_ours_beside_it_is_refused_saying_to_rename_it(tmp_path, capsys):
    """78 Chinese characters are 234 bytes: the file is there, but Linux's 255 bytes leave no room
    for the lock beside it (`.~ladderbook-<name>.lock`). HR reads what to do, the file untouched."""
    path = small(tmp_path).rename(tmp_path / f"{'客服部' * 26}.xlsx")
    before = path.read_bytes()
    assert cli.main(["recalc", str(path)]) == 2
    assert "the workbook's file name is too long: rename it shorter" in capsys.readouterr().err
    assert path.read_bytes() == before


@pytest.mark.parametrize("lock", ["~$dept.xlsx", ".~lock.dept.xlsx#"])
def test_a_workbook_open_in_excel_wps_or_libreoffice_is_refused_also_through_a_symlink(tmp_path, capsys, lock):
    folder = tmp_path / "共享"
    folder.mkdir()
    path = small(folder)
    link = tmp_path / "dept.xlsx"
    link.symlink_to(path)
    (folder / lock).write_bytes(b"")  # beside the real file, not beside the link
    assert cli.main(["close-month", str(link)]) == 2
    assert "is open in Excel, WPS or LibreOffice" in capsys.readouterr().err


def test_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path):
    path = small(tmp_path)
    left = [tmp_path / ".~ladderbook-dept.xlsx-k1x2.xlsx", tmp_path / "dept-backups" / ".~ladderbook-dept-1.xlsx",
            tmp_path / "dept-archive" / ".~ladderbook-2026-10.xlsx"]
    other = tmp_path / ".~ladderbook-other.xlsx-k1x2.xlsx"  # another workbook's: not ours to remove
    for leftover in (*left, other):
        leftover.parent.mkdir(exist_ok=True)
        leftover.write_bytes(b"PK half")
    assert close.close_file(path).plan.problems == []
    assert not any(p.exists() for p in left) and other.exists()


def test_a_command_killed_while_writing_leaves_the_workbook_and_the_next_command_works(tmp_path):
    """kill -9 in the middle of writing the new file: the workbook is as it was, the lock is free
    (the system released it with the process), and the next command removes the half-written file."""
    path = small(tmp_path)
    before = path.read_bytes()
    inside = tmp_path / "inside"
    script = (
        "import os, time\nfrom pathlib import Path\nfrom workbook import recalc\n"
        "def stuck(fd):\n"
        f"    Path({str(inside)!r}).write_text('')\n"
        "    time.sleep(600)\n"
        "os.fsync = stuck\n"
        f"recalc.recalc({str(path)!r})\n")
    killed = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parent)
    deadline = time.monotonic() + 60
    while not inside.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert inside.exists(), "the command never reached its write"
    killed.kill()
    killed.wait(10)
    half = list(tmp_path.glob(".~ladderbook-dept.xlsx-*"))
    assert half and path.read_bytes() == before  # a temporary left, the workbook untouched
    assert recalc.recalc(path).computed > 0
    assert not list(tmp_path.glob(".~ladderbook-dept.xlsx-*"))


class Killed(BaseException):
    """A kill, as far as the command can tell: nothing after it runs."""


def test_a_close_killed_after_saving_the_workbook_has_its_archive_put_in_place_by_the_next(tmp_path, monkeypatch):
    """Killed between replacing the workbook and the archive's manifest line: the month is in
    History and its archive complete under its temporary name, with no line. The next close
    places it and writes its line, instead of removing it as a leftover."""
    path = small(tmp_path)

    def killed(*args, **kwargs):
        raise Killed
    with monkeypatch.context() as patched:
        patched.setattr(close, "place_archive", killed)
        with pytest.raises(Killed):
            close.close_file(path)
    folder = tmp_path / "dept-archive"
    pending = folder / ".~ladderbook-2026-10.xlsx"
    assert pending.exists() and not (folder / "SHA256SUMS").exists()
    assert {r["月份"].strftime("%Y-%m") for r in history_rows(path)} == {"2026-09", "2026-10"}  # closed
    content = pending.read_bytes()
    close.close_file(path)  # November is not filled in: refused, but the archive is placed
    assert (folder / "2026-10.xlsx").read_bytes() == content and not pending.exists()
    digest = hashlib.sha256(content).hexdigest()
    assert (folder / "SHA256SUMS").read_text() == f"{digest}  2026-10.xlsx\n"


def test_an_archive_of_a_close_killed_before_saving_the_workbook_is_removed(tmp_path, monkeypatch):
    """Killed after writing the archive and before replacing the workbook: History does not hold
    the month, so the archive is a leftover, and the month closes again from the start."""
    path = small(tmp_path)

    def killed(*args, **kwargs):
        raise Killed
    folder = tmp_path / "dept-archive"
    with monkeypatch.context() as patched:
        patched.setattr(close.writes, "backup", killed)  # the first step of replacing the workbook
        with pytest.raises(Killed):
            close.close_file(path)
    assert not list(folder.iterdir())  # the close removed its own archive on the way out
    folder.joinpath(".~ladderbook-2026-10.xlsx").write_bytes(b"PK a kill before the unlink")
    closed = close.close_file(path)
    assert closed.plan.problems == [] and closed.archive == folder / "2026-10.xlsx"
    assert not (folder / ".~ladderbook-2026-10.xlsx").exists()


def test_an_archive_a_killed_close_left_unplaced_is_put_in_place_by_the_next(tmp_path):
    """Killed after the manifest's line and before the archive's rename: the next close finds the
    archive complete (its checksum the line's) under its temporary name and places it."""
    path = small(tmp_path)
    closed = close.close_file(path)
    folder = closed.archive.parent
    unplaced = folder / ".~ladderbook-2026-10.xlsx"
    closed.archive.rename(unplaced)
    close.close_file(path)  # November is not filled in: refused, but the archive is repaired
    assert closed.archive.exists() and not unplaced.exists()
    half = folder / ".~ladderbook-2026-09.xlsx"  # a temporary no manifest line vouches for
    half.write_bytes(b"PK half")
    close.close_file(path)
    assert not half.exists()


@pytest.fixture(scope="module")
def _reopened(tmp_path_factory):
    """`october_reopened`'s folder and first archive, made once per module."""
    folder = tmp_path_factory.mktemp("reopened")
    path = small(folder)
    first = close.close_file(path).archive.read_bytes()
    reopen_october(path)
    return folder, first


@pytest.fixture
def october_reopened(tmp_path, _reopened):
    """`small`'s workbook with October closed, then put back to correct it (`reopen_october`),
    its archive folder beside it, copied into the test's folder: (the workbook, the bytes of
    October's first archive)."""
    made, first = _reopened
    shutil.copytree(made, tmp_path, dirs_exist_ok=True)
    return tmp_path / "dept.xlsx", first


@pytest.fixture(scope="module")
def promotion_closed(tmp_path_factory):
    """A junior promoted on October's sheet, October closed: made once, copied by each test."""
    folder = tmp_path_factory.mktemp("promoted")
    close.close_file(department(folder, {"decision": "晋升", "raise": 600, "approver": "王经理"}))
    return folder


@pytest.mark.parametrize("at", range(1, 12))
def test_a_replace_close_killed_at_any_file_operation_is_put_right_by_the_same_command_again(
        tmp_path, october_reopened, at):
    """--replace, killed at each of its renames, replaces and removals of a file in turn (the
    backup, the workbook, the manifest, both archives, the lock, the stored values), in its own
    process, where a kill runs no clean-up. Running the command again leaves October closed
    once in History with the corrected score, November's answers stored (a raise range of
    500–800 for the junior, the policy's 初级 → 中级), the new archive in place and the first
    kept, each manifest line naming the file of its checksum and each file named, no temporary."""
    path, first = october_reopened
    killed_at(at, path, "close", 11)
    close.close_file(path, "2026-10", replace=True)
    rows = [r for r in history_rows(path) if r["月份"].strftime("%Y-%m") == "2026-10"]
    october = {r["工号"]: r["得分"] for r in rows}
    assert len(rows) == 2
    assert october == {1001: None, 1002: 1.3}  # 1.2 at the first close
    assert not [name for name in openpyxl.load_workbook(path, read_only=True).sheetnames if name.startswith("2026-10")]
    november = FileBook(path).values("2026-11 客服职级")  # its answers stored, as every reader shows them
    junior = dict(zip((str(h).split("\n")[0] for h in november[1]), november[2]))
    assert (junior["工号"], junior["加薪下限(元/月)"], junior["加薪上限(元/月)"]) == (1002, 500, 800)  # 初级 → 中级
    folder = tmp_path / "dept-archive"
    review = FileBook(folder / "2026-10.xlsx").values("评审结果 Review 2026-10")
    assert {row[0]: row[7] for row in review[1:]} == {1001: 76.5, 1002: 1.3}
    kept = [p for p in folder.iterdir() if p.name.startswith("2026-10.replaced-")]
    assert [p.read_bytes() for p in kept] == [first]
    sums = [line.split("  ") for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert sorted(name for _, name in sums) == sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    assert all(hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest for digest, name in sums)
    assert not [p for p in [*tmp_path.iterdir(), *folder.iterdir()] if p.name.startswith(writes.PREFIX)]


@pytest.mark.parametrize("at", range(1, 8))
def test_apply_moves_killed_at_any_file_operation_leaves_no_verdict_of_the_level_left(tmp_path, promotion_closed, at):
    """apply-moves promotes 1002 to 中级客服, killed at each of its file operations in turn, in
    its own process: then run again. The workbook is never left moved with the answers of
    before stored (eligible for 中级客服, a raise of 500–800): every reader would show them. By
    the policy, at 中级客服 he is not eligible for 高级客服 (19 months at the company, 24 needed;
    0 months in the level, 12 needed) and its raise range is 1000–1200."""
    shutil.copytree(promotion_closed, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "dept.xlsx"
    killed_at(at, path, "apply", 7)
    assert apply_moves.apply_file(path)[0].problems == []
    book = FileBook(path)
    roster, log, month = (book.values(sheet) for sheet in ("员工名册", "调动记录", "2026-11 客服职级"))
    assert roster[1][3] == "中级客服" and len(log) == 2  # moved once: the header and one move
    heads = [str(h).split("\n")[0] for h in month[1]]
    person = dict(zip(heads, month[2]))
    assert (person["职级"], person["可晋升"], person["加薪下限(元/月)"], person["加薪上限(元/月)"]) == (
        "中级客服", False, 1000, 1200)
    assert "司龄 19 个月 < 24 个月" in person["未达条件"] and "本职级 0 个月 < 12 个月" in person["未达条件"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(writes.PREFIX)]


@pytest.mark.parametrize("at", ["SHA256SUMS", "2026-10.xlsx", ".~ladderbook-2026-10.xlsx"])
def test_a_replace_close_killed_while_placing_its_archive_is_put_right_by_the_next(
        tmp_path, monkeypatch, october_reopened, at):
    """--replace, killed at any of placing the new archive's three steps: writing the manifest's
    lines, renaming the first archive to its dated name, renaming the new one into place. The
    next close finishes them, so each line names the file of its checksum, as `sha256sum -c`
    checks them."""
    (path, first), folder = october_reopened, tmp_path / "dept-archive"
    rename, replace = Path.rename, writes.replace

    def renamed(self, target):
        if self.name == at:
            raise Killed
        return rename(self, target)

    def replaced(target, *args, **kwargs):
        if Path(target).name == at:
            raise Killed
        return replace(target, *args, **kwargs)
    with monkeypatch.context() as patched:
        patched.setattr(Path, "rename", renamed)
        patched.setattr(writes, "replace", replaced)
        with pytest.raises(Killed):
            close.close_file(path, "2026-10", replace=True)
    new = (folder / ".~ladderbook-2026-10.xlsx").read_bytes()
    assert new != first
    close.close_file(path)  # November is not filled in: refused, but the archives are put right
    kept = [p for p in folder.iterdir() if p.name.startswith("2026-10.replaced-")]
    assert (folder / "2026-10.xlsx").read_bytes() == new and [p.read_bytes() for p in kept] == [first]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["2026-10.xlsx", kept[0].name, "SHA256SUMS"])
    sums = [line.split("  ") for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert sums == [[hashlib.sha256(first).hexdigest(), kept[0].name],
                    [hashlib.sha256(new).hexdigest(), "2026-10.xlsx"]]


def test_a_replace_close_killed_after_saving_the_workbook_has_its_new_archive_put_in_place(tmp_path, monkeypatch,
                                                                                           october_reopened):
    """--replace, killed between replacing the workbook and the archive's line: the month's
    first archive is there, with its line, and the new one under its temporary name. The
    workbook shows the month closed again (its sheets gone), so the next close puts the new
    archive in place and keeps the first under a dated name, as the close would have; a new
    archive of a --replace killed before the workbook was saved (its sheets still there) is not."""
    (path, first), folder = october_reopened, tmp_path / "dept-archive"

    def killed(*args, **kwargs):
        raise Killed
    with monkeypatch.context() as patched:
        patched.setattr(close, "place_archive", killed)
        with pytest.raises(Killed):
            close.close_file(path, "2026-10", replace=True)
    pending = folder / ".~ladderbook-2026-10.xlsx"
    new = pending.read_bytes()
    assert new != first and (folder / "2026-10.xlsx").read_bytes() == first
    close.close_file(path)  # November is not filled in: refused, but the archive is placed
    assert (folder / "2026-10.xlsx").read_bytes() == new and not pending.exists()
    kept = [p for p in folder.iterdir() if p.name.startswith("2026-10.replaced-")]
    assert [p.read_bytes() for p in kept] == [first]
    sums = [line.split("  ") for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert sums == [[hashlib.sha256(first).hexdigest(), kept[0].name],
                    [hashlib.sha256(new).hexdigest(), "2026-10.xlsx"]]

    reopen_october(path)  # and once more, killed before the workbook is saved: its sheets are still there
    pending.write_bytes(first)  # (a complete archive of the month, left by a kill before the unlink)
    close.close_file(path, "2026-11")
    assert not pending.exists() and (folder / "2026-10.xlsx").read_bytes() == new
