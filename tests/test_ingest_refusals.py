"""Files that cannot be read: each refused with its own message code, and the batch goes on."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest
from builders_ingest import encrypt, list_grid, write_book
from conftest import GOOD_ROWS, set_received, write_list

from pipeline import ingest, run
from pipeline.errors import FileRefused
from pipeline.ingest import read_file
from pipeline.readers import formats, sheets
from pipeline.vocab import load_vocabulary

VOCAB = load_vocabulary()
MARCH = dt.datetime(2022, 3, 18, 9, 30)


def refused(path: Path) -> FileRefused:
    with pytest.raises(FileRefused) as info:
        read_file(path, VOCAB)
    return info.value


def test_encrypted_with_a_real_password(tmp_path: Path) -> None:
    path = encrypt(write_book(tmp_path / "a.xlsx", [list_grid()]), "1234")
    error = refused(path)
    assert error.code == "file-encrypted" and "密码" in error.text


def test_excel_default_password_is_opened(tmp_path: Path) -> None:
    path = encrypt(write_book(tmp_path / "a.xlsx", [list_grid()]), "VelvetSweatshop")
    raw = read_file(path, VOCAB)
    assert raw.fmt == "xlsx" and len(raw.frame) == 4 and raw.unit_text == "红星村"


def test_truncated_xls_is_corrupt(tmp_path: Path) -> None:
    good = write_book(tmp_path / "good.xls", [list_grid()], "xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(good[: len(good) // 3])
    assert refused(path).code == "file-corrupt"


def test_ods_without_content_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content")  # cut off mid-tag
    assert refused(path).code in ("file-corrupt", "file-not-spreadsheet")


@pytest.mark.parametrize(
    ("content", "kind"),
    [(b"%PDF-1.7\n...", "PDF"), (b"\x89PNG\r\n\x1a\n....", "图片"), ("序号,问题类别\n1,政治纪律\n".encode(), "文本")],
)
def test_not_a_spreadsheet_says_what_it_is(tmp_path: Path, content: bytes, kind: str) -> None:
    path = tmp_path / "问题清单.xlsx"
    path.write_bytes(content)
    error = refused(path)
    assert error.code == "file-not-spreadsheet" and kind in error.text


def test_file_size_limit_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(tmp_path / "a.xlsx", [list_grid()])
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", path.stat().st_size - 1)
    assert refused(path).code == "file-too-large"


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_ROWS", 20)
    path = write_list(tmp_path / "a.xlsx", GOOD_ROWS * 15)
    error = refused(path)
    assert error.code == "file-too-many-rows" and error.params["rows"] == 64


def test_compression_ratio_is_checked_before_parsing(tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", [list_grid()])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * (8 * 1024 * 1024))  # 8 MB of zeros in ~8 KB
    error = refused(path)
    assert error.code == "file-unpacked-too-large" and ":1" in str(error.params["ratio"])


def test_unpacked_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_UNPACKED_BYTES", 10_000)
    assert refused(write_book(tmp_path / "a.xlsx", [list_grid()])).code == "file-unpacked-too-large"


def test_entity_expansion_is_never_performed(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    src = write_book(tmp_path / "src.xlsx", [list_grid()])
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data = bomb.encode() + data.split(b"?>", 1)[1].replace(
                    b"<t>\xe9\x99\x84\xe4\xbb\xb62</t>", b"<t>&lol3;</t>"
                )
            zout.writestr(info, data)
    try:
        raw = read_file(path, VOCAB)
    except FileRefused as exc:
        assert exc.code in ("file-corrupt", "table-not-found")
    else:
        assert "lollollol" not in raw.unit_text + "".join(str(v) for v in raw.frame.to_numpy().ravel())
    assert openpyxl.xml.DEFUSEDXML  # openpyxl, where used, parses through defusedxml


def test_ods_merged_ranges_are_parsed_without_entities(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    assert refused(path).code == "file-corrupt"


def test_no_table_when_the_list_lacks_required_columns(tmp_path: Path) -> None:
    grid = list_grid(headers=["序号", "问题编号", "问题类别", "具体问题", "整改措施"])
    error = refused(write_book(tmp_path / "a.xls", [grid], "xls"))
    assert error.code == "table-not-found" and "责任领导" in error.text


def test_each_refusal_is_returned_and_the_batch_goes_on(workspace: Path) -> None:
    inbox = workspace / "inbox"
    bad: dict[str, str] = {}
    encrypt(write_book(inbox / "加密.xlsx", [list_grid(unit="东风社区")]), "1234")
    bad["加密.xlsx"] = "file-encrypted"
    good = write_book(tmp := inbox / "tmp.xls", [list_grid()], "xls").read_bytes()
    tmp.unlink()
    (inbox / "截断.xls").write_bytes(good[: len(good) // 3])
    bad["截断.xls"] = "file-corrupt"
    (inbox / "扫描件.xlsx").write_bytes(b"%PDF-1.4 scanned")
    bad["扫描件.xlsx"] = "file-not-spreadsheet"
    (inbox / "空.xlsx").write_bytes(b"")
    bad["空.xlsx"] = "file-empty"
    write_book(inbox / "缺列.xlsx", [list_grid(headers=["序号", "问题编号", "问题类别"])])
    bad["缺列.xlsx"] = "table-not-found"
    bomb = inbox / "炸弹.xlsx"
    write_book(bomb, [list_grid()])
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * (8 * 1024 * 1024))
    bad["炸弹.xlsx"] = "file-unpacked-too-large"
    for n, name in enumerate(bad):
        set_received(inbox / name, MARCH + dt.timedelta(minutes=n))
    (inbox / "~$红星村.xlsx").write_bytes(b"\x00" * 165)
    write_book(inbox / "红星村.ods", [list_grid()], "ods")
    set_received(inbox / "红星村.ods", MARCH + dt.timedelta(hours=2))  # after every bad file
    result = run.monthly(workspace, dt.date(2022, 3, 31))
    outcomes = {f.file_name: (f.outcome, [m.code for m in f.messages]) for f in result.files}
    for name, code in bad.items():
        assert outcomes[name] == ("退回", [code]), name
    assert outcomes["红星村.ods"][0] == "通过"
    assert "~$红星村.xlsx" not in outcomes
    assert (inbox / "~$红星村.xlsx").exists() and not (inbox / "红星村.ods").exists()


def test_sniff_sees_through_a_wrong_extension() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(FileRefused) as info:
        ingest.sniff(out.getvalue())
    assert info.value.code == "file-not-spreadsheet" and "OpenDocument" in info.value.text
