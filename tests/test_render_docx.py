"""The Word documents of a monthly run, rendered from a small hand-made MonthReport."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import pandas as pd
import pytest
from builders_reports import AS_OF, CAMPAIGN, ODD_UNIT, TEMPLATES, make_report
from docx import Document
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate

from pipeline.outputs import documents
from pipeline.report import CATEGORY_COLUMNS, MonthReport
from pipeline.workdays import add_workdays


def texts(path: Path) -> tuple[list[str], list[str]]:
    """(paragraph texts, table cell texts) of a rendered document."""
    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return paragraphs, cells


def table_rows(path: Path, index: int) -> list[list[str]]:
    table = Document(str(path)).tables[index]
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture
def report() -> MonthReport:
    return make_report()


def test_circular(report: MonthReport, tmp_path: Path) -> None:
    out = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    assert out == tmp_path / "通报.docx"
    paragraphs, cells = texts(out)
    body = "\n".join(paragraphs)
    assert "xx镇干部作风整顿工作领导小组办公室文件" in paragraphs
    assert "x作整办〔2022〕5号" in paragraphs
    # the title on two balanced lines
    assert "关于2022年4月干部作风整顿\n问题整改情况的通报" in paragraphs
    assert "各村（社区）、镇属各部门：" in paragraphs
    assert "截至2022年4月30日，全镇3个单位共查摆问题8个" in body
    assert "已完成2个，整改中4个，未启动1个，长期坚持1个，完成率28.6%" in body
    assert "红灯问题（已超过完成时限仍未完成）3个" in body
    assert "黄灯问题（7天内到期）1个" in body
    # submissions: late, not reported, named
    assert "本月应报送单位3个，共收到2个单位报送的问题整改进展" in body
    assert f"逾期报送1个：{ODD_UNIT}" in body
    assert "未报送1个：便民服务中心" in body
    # ranking table
    ranking = table_rows(out, 0)
    assert ranking[0] == ["排名", "单位", "问题数", "已完成", "完成率", "红灯", "黄灯", "较上月"]
    assert ranking[1] == ["1", "红星村", "3", "1", "50.0%", "0", "1", "+12.5"]
    assert ranking[2] == ["2", ODD_UNIT, "3", "1", "33.3%", "2", "0", "—"]
    assert ranking[3] == ["3", "便民服务中心", "2", "0", "0.0%", "1", "0", "-3.0"]
    assert ranking[4][0] == "合计" and ranking[4][2:5] == ["8", "2", "28.6%"]
    # overdue table, most supervised first, text from submissions intact
    overdue = table_rows(out, 1)
    assert overdue[0] == ["问题编号", "单位", "具体问题", "完成时限", "逾期天数", "督办等级"]
    assert [r[0] for r in overdue[1:]] == ["AB-002", "BM-002", "AB-003"]
    assert overdue[1][1:] == [
        ODD_UNIT,
        "村务公开栏<未及时更新> & 财务收支未按月公开",
        "3月31日",  # narrow table cell: the campaign's year left out
        "30",
        "红色督办",
    ]
    assert "蓝色督办1个、橙色督办1个、红色督办1个" in body
    assert "问题1个（AB-002）" in body and "已移交镇纪委督查问效" in body
    # next steps and signature
    assert "请各村（社区）、各部门于2022年5月25日前" in body
    assert "会同镇纪委督查问效" in body
    # the closing formula, a blank line, then the signature
    assert paragraphs[-4:] == ["特此通报。", "", "xx镇干部作风整顿工作领导小组办公室", "2022年4月30日"]
    assert not any("{{" in t or "{%" in t for t in [*paragraphs, *cells])


def test_circular_without_red_items(tmp_path: Path) -> None:
    report = make_report(with_red=False)
    out = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    paragraphs, _cells = texts(out)
    body = "\n".join(paragraphs)
    assert "截至2022年4月30日，全镇无逾期未完成（红灯）问题。" in paragraphs
    assert "本月无移交镇纪委督查问效的问题。" in paragraphs
    assert "3个单位均按时报送" in body
    assert len(Document(str(out)).tables) == 1  # the ranking table only
    assert not any("{%" in p for p in paragraphs)


def test_notices(report: MonthReport, tmp_path: Path) -> None:
    out_dir = tmp_path / "督办通知单"
    stale = out_dir / "红星村.docx"  # from an earlier run of the month: no red item any more
    out_dir.mkdir()
    stale.write_bytes(b"old")
    paths = documents.write_notices(report, out_dir, TEMPLATES)
    assert [p.name for p in paths] == ["A&B＜村＞.docx", "便民服务中心.docx"]
    assert not stale.exists()
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in paths)

    reply_by, _ = add_workdays(AS_OF, CAMPAIGN.reply_workdays)
    # 4-30 to 5-04 劳动节 holiday; Saturday 5-07 is a 调休 working day: 5-05, 06, 07, 09, 10
    assert reply_by == dt.date(2022, 5, 10)
    paragraphs, _cells = texts(paths[0])
    body = "\n".join(paragraphs)
    assert "干部作风整顿督办通知单" in paragraphs
    assert "x作整办督〔2022〕5-1号" in paragraphs
    assert f"{ODD_UNIT}：" in paragraphs
    assert "有2个问题已超过完成时限仍未完成整改（红灯）" in body
    assert "请你单位高度重视" in body and "于2022年5月10日前将整改情况书面报送镇干部作风整顿办" in body
    assert "督办等级：红色督办（经多次督办仍未落实）。" in body
    rows = table_rows(paths[0], 0)
    assert rows[0] == ["问题编号", "具体问题", "完成时限", "逾期天数", "督办次数", "督办等级"]
    assert rows[1] == [
        "AB-002",
        "村务公开栏<未及时更新> & 财务收支未按月公开",
        "3月31日",
        "30",
        "3",
        "红色督办",
    ]
    assert rows[2][0] == "AB-003" and rows[2][5] == "蓝色督办"
    assert paragraphs[-3:-1] == ["xx镇干部作风整顿工作领导小组办公室", "2022年4月30日"]

    # the ladder colour is shown: the highest level's character style, red for 红色督办
    doc = Document(str(paths[0]))
    level_para = next(p for p in doc.paragraphs if p.text.startswith("督办等级："))
    styled = [r for r in level_para.runs if r.text == "红色督办"]
    assert styled and styled[0].style.style_id == "LadderRed"
    assert str(styled[0].style.font.color.rgb) == "C00000"

    other = "\n".join(texts(paths[1])[0])
    assert "督办等级：橙色督办（第二次督办，警示）。" in other and "x作整办督〔2022〕5-2号" in other


def test_escalation(report: MonthReport, tmp_path: Path) -> None:
    out = documents.write_escalation(report, tmp_path / "移交纪委清单.docx", TEMPLATES)
    paragraphs, _cells = texts(out)
    assert "干部作风整顿问题移交镇纪委督查问效清单" in paragraphs
    body = "\n".join(paragraphs)
    assert "截至2022年4月30日，以下1个问题经3次及以上督办仍未落实" in body
    rows = table_rows(out, 0)
    assert rows[0] == [
        "序号",
        "问题编号",
        "单位",
        "问题类别",
        "具体问题",
        "责任领导",
        "责任人",
        "完成时限",
        "逾期天数",
        "督办次数",
    ]
    assert rows[1] == [
        "1",
        "AB-002",
        ODD_UNIT,
        "懒政怠政、为官不为",
        "村务公开栏<未及时更新> & 财务收支未按月公开",
        "张三",
        "李四",
        "3月31日",  # as in the circular's and the notices' tables
        "30",
        "3",
    ]
    assert len(rows) == 2


def test_escalation_empty(tmp_path: Path) -> None:
    out = documents.write_escalation(make_report(with_red=False), tmp_path / "x.docx", TEMPLATES)
    paragraphs, _cells = texts(out)
    assert "截至2022年4月30日，本月无移交事项。" in paragraphs
    assert not Document(str(out)).tables


def test_no_notices_without_red(tmp_path: Path) -> None:
    assert documents.write_notices(make_report(with_red=False), tmp_path, TEMPLATES) == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("with_red", [True, False])
def test_templates_declare_every_variable(with_red: bool) -> None:
    report = make_report(with_red=with_red)
    env = jinja2.Environment(autoescape=True)
    cases = [
        (documents.CIRCULAR_TEMPLATE, documents.circular_context(report)),
        (documents.ESCALATION_TEMPLATE, documents.escalation_context(report)),
        (documents.NOTICE_TEMPLATE, documents.notice_context(report, ODD_UNIT)),
    ]
    for name, ctx in cases:
        template = DocxTemplate(str(TEMPLATES / name))
        assert template.get_undeclared_template_variables(jinja_env=env, context=ctx) == set()


def test_failed_render_leaves_no_file(report: MonthReport, tmp_path: Path) -> None:
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / documents.CIRCULAR_TEMPLATE).write_bytes(b"not a docx")
    target = tmp_path / "out" / "通报.docx"
    with pytest.raises(Exception):  # noqa: B017
        documents.write_circular(report, target, broken)
    assert not target.exists()


def test_interrupted_save_keeps_the_old_file(
    report: MonthReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "通报.docx"
    target.write_bytes(b"last run")

    def failing_save(self: DocxTemplate, handle: BinaryIO) -> None:
        handle.write(b"half a docx")
        raise OSError("disk full")

    monkeypatch.setattr(DocxTemplate, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        documents.write_circular(report, target, TEMPLATES)
    assert target.read_bytes() == b"last run"
    assert [p.name for p in tmp_path.iterdir()] == ["通报.docx"]


def test_formatting_helpers() -> None:
    assert documents.cn_date(dt.date(2022, 4, 30)) == "2022年4月30日"
    assert documents.cn_date(pd.Timestamp("2022-05-09")) == "2022年5月9日"
    assert documents.cn_date("长期坚持") == "长期坚持"
    assert documents.cn_date(None) == "—"
    assert documents.percent(0.36) == "36.0%"
    assert documents.percent(math.nan) == "—"
    assert documents.change_points(0.04) == "持平"
    assert documents.clean("  a\n b\x0b ") == "a b"
    assert documents.notice_filename("a/b:c") == "a／b：c.docx"


@pytest.mark.parametrize("value", [None, math.nan, pd.NA, pd.NaT], ids=["None", "nan", "NA", "NaT"])
def test_a_missing_value_is_written_as_nothing(value: object) -> None:
    """A cell pandas left empty (NaN, NA, NaT) reads as nothing in a document, never "NaT"."""
    assert documents.clean(value) == ""


@pytest.mark.parametrize("name", ["circular", "notice", "escalation"])
def test_every_run_names_its_east_asian_font(report: MonthReport, tmp_path: Path, name: str) -> None:
    """Word on the office PC picks the official fonts only where a run (or its style) names them
    for East-Asian text; the templates and the runs made in code name them on every run."""
    if name == "circular":
        out = documents.write_circular(report, tmp_path / "x.docx", TEMPLATES)
    elif name == "notice":
        out = documents.write_notices(report, tmp_path, TEMPLATES)[0]
    else:
        out = documents.write_escalation(report, tmp_path / "x.docx", TEMPLATES)
    doc = Document(str(out))
    runs = doc.element.body.iter(qn("w:r"))
    texts_without_font = [
        "".join(t.text or "" for t in r.iter(qn("w:t")))
        for r in runs
        if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()
        and (r.rPr is None or r.rPr.rFonts is None or not r.rPr.rFonts.get(qn("w:eastAsia")))
    ]
    assert texts_without_font == []
    fonts = {r.rPr.rFonts.get(qn("w:eastAsia")) for r in doc.element.body.iter(qn("w:r")) if r.rPr is not None}
    if name == "circular":
        assert {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"} <= fonts
        head = next(p for p in doc.paragraphs if p.text.endswith("办公室文件"))
        assert head.runs[0].font.color.rgb is None or str(head.style.font.color.rgb) == "C00000"
        assert str(head.style.font.color.rgb) == "C00000"
        section = doc.sections[0]
        margins = [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin)]
        assert [*margins, round(section.right_margin.mm)] == [37, 35, 28, 26]
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        title = next(p for p in doc.paragraphs if p.text.startswith("关于"))
        assert title.style.font.size.pt == 22  # 2号
        assert doc.styles["Normal"].font.size.pt == 16  # 3号
        footer = section.footer.paragraphs[0]
        assert "— " in footer.text and " —" in footer.text and "PAGE" in footer._p.xml


def test_town_wide_change_and_unranked_units(tmp_path: Path) -> None:
    report = make_report()
    report = dataclasses.replace(report, previous_rate=0.25)
    out = documents.write_circular(report, tmp_path / "x.docx", TEMPLATES)
    ranking = table_rows(out, 0)
    assert ranking[-1][0] == "合计" and ranking[-1][-1] == "+3.6"  # 28.6% against 25.0%
    # a unit with nothing to complete (NaN rate) shows "—", not a rank
    units = report.units.copy()
    units.loc[units["单位"] == "便民服务中心", "完成率"] = math.nan
    out = documents.write_circular(dataclasses.replace(report, units=units), tmp_path / "y.docx", TEMPLATES)
    last = table_rows(out, 0)[3]
    assert last[:2] == ["—", "便民服务中心"] and last[4] == "—"


def test_wording_for_quiet_months() -> None:
    report = make_report(with_red=False)
    ctx = documents.circular_context(report)
    assert "目前有红灯" not in ctx["lights_text"]
    assert "黄灯问题（7天内到期）1个" in ctx["lights_text"] and "无红灯问题" in ctx["lights_text"]
    assert "未启动0个" not in ctx["overview_text"]  # zero counts are left out
    subs = report.submissions.assign(报送状态="未报送")
    quiet = dataclasses.replace(report, submissions=subs)
    assert documents.circular_context(quiet)["submission_text"] == (
        "本月应报送单位3个，截至2022年4月30日均未报送问题整改进展，请各单位尽快报送。"
    )
    march = dataclasses.replace(report, month="2022-03", as_of=dt.date(2022, 3, 31))
    assert documents.circular_context(march)["submission_text"].endswith("均按时报送了问题清单。")


def _runs(path: Path) -> list[tuple[str, str | None, str | None]]:
    """Every run of the body with its character style and East-Asian font, tables included."""
    doc = Document(str(path))
    paragraphs = list(doc.paragraphs) + [
        p for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    out = []
    for p in paragraphs:
        for r in p.runs:
            fonts = r._r.rPr.rFonts if r._r.rPr is not None else None
            out.append(
                (
                    r.text,
                    r.style.style_id if r.style is not None else None,
                    fonts.get(qn("w:eastAsia")) if fonts is not None else None,
                )
            )
    return out


def test_notices_match_docxtpl_rendering(report: MonthReport, tmp_path: Path) -> None:
    """The notices come from a template loaded once; each is what docxtpl itself makes of it."""
    fast = documents.write_notices(report, tmp_path / "fast", TEMPLATES)
    units = documents.notice_units(report)
    assert len(fast) == len(units) == 2
    for unit, path in zip(units, fast, strict=True):
        reference = documents._render(
            TEMPLATES / documents.NOTICE_TEMPLATE,
            documents.notice_context(report, unit),
            tmp_path / "docxtpl" / path.name,
        )
        assert texts(path) == texts(reference)
        assert _runs(path) == _runs(reference)
        fast_doc, ref_doc = Document(str(path)), Document(str(reference))
        assert fast_doc.core_properties.title == ref_doc.core_properties.title == "督办通知单"
        # every part of the package (those copied from the template are compressed once, the
        # rendered ones added after them): the same parts as docxtpl's, the same styles
        with zipfile.ZipFile(path) as mine, zipfile.ZipFile(reference) as theirs:
            assert sorted(mine.namelist()) == sorted(theirs.namelist())
        assert [s.name for s in fast_doc.styles] == [s.name for s in ref_doc.styles]
        assert [s.footer.paragraphs[0].text for s in fast_doc.sections] == [
            s.footer.paragraphs[0].text for s in ref_doc.sections
        ]
    assert not [p for p in (tmp_path / "fast").iterdir() if p.name.startswith(".~")]  # no temporary file left


def test_notices_follow_an_edited_template(report: MonthReport, tmp_path: Path) -> None:
    """The loaded template is reloaded when the file changes (an office edits it in Word)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    source = Document(str(TEMPLATES / documents.NOTICE_TEMPLATE))
    source.save(str(templates / documents.NOTICE_TEMPLATE))
    first = documents.write_notices(report, tmp_path / "a", templates)[0]
    assert "附：编辑后的模板" not in "\n".join(texts(first)[0])
    source.add_paragraph("附：编辑后的模板")
    source.save(str(templates / documents.NOTICE_TEMPLATE))
    second = documents.write_notices(report, tmp_path / "b", templates)[0]
    assert "附：编辑后的模板" in "\n".join(texts(second)[0])


@pytest.mark.parametrize(
    ("office", "date", "expected"),
    [
        # office 17 characters, date 7 (half-width digits): the date starts two right of the office
        ("xx镇干部作风整顿工作领导小组办公室", "2022年11月30日", (2.0, 10.0)),
        ("镇干部作风整顿工作领导小组", "2022年4月30日", (2.0, 6.5)),
        # the date, shifted two right, would come closer than two to the margin: the office moves
        ("镇干部作风整顿办", "2022年4月30日", (2.5, 2.0)),
        # a date longer than the office: the date two from the margin, the office moved left
        ("整改办", "2022年11月30日", (8.0, 2.0)),
    ],
)
def test_signature_indents_follow_gbt_9704(office: str, date: str, expected: tuple[float, float]) -> None:
    assert documents.signature_indents(office, date) == expected


def test_rendered_signature_is_indented_and_kept_with_the_text(report: MonthReport, tmp_path: Path) -> None:
    paths = [documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)]
    paths += documents.write_notices(report, tmp_path / "督办通知单", TEMPLATES)[:1]
    paths.append(documents.write_escalation(report, tmp_path / "移交纪委清单.docx", TEMPLATES))
    office_chars, date_chars = documents.signature_indents(report.campaign.office, documents.cn_date(report.as_of))
    for path in paths:
        paragraphs = Document(str(path)).paragraphs
        signature = [p for p in paragraphs if p.style is not None and p.style.style_id == "Signature"][-2:]
        assert [p.text for p in signature] == [report.campaign.office, documents.cn_date(report.as_of)]
        twips = [round(p.paragraph_format.right_indent.twips) for p in signature]  # type: ignore[union-attr]
        assert twips == [round(office_chars * 320), round(date_chars * 320)], path.name
        body = list(signature[0]._p.getparent())
        at = body.index(signature[0]._p)
        blank, last = body[at - 1], body[at - 2]
        assert "".join(blank.itertext()) == ""  # a blank line below the text
        assert blank.pPr is not None and blank.pPr.keepNext_val
        if last.tag == qn("w:tbl"):  # the list ends with its table: the table's last row stays with it
            last_row = last.findall(qn("w:tr"))[-1]
            assert all(p.pPr is not None and p.pPr.keepNext_val for p in last_row.iter(qn("w:p"))), path.name
        else:  # the text's last paragraph stays with it
            assert last.pPr is not None and last.pPr.keepNext_val, path.name
        for element in (*body[at - 2 : at + 3], *last.iter(qn("w:p"))):  # properties in the schema's order
            for ppr in element.iter(qn("w:pPr")):
                ranks = [documents._PPR_ORDER.index(c.tag) for c in ppr if c.tag in documents._PPR_ORDER]
                assert ranks == sorted(ranks), path.name


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _keeps_with_next(paragraph: Any) -> bool:
    """Whether a w:p is kept with the next one by its own property (none of these styles keeps)."""
    ppr = paragraph.pPr
    if ppr is not None and ppr.keepNext is not None:
        return bool(ppr.keepNext_val)
    return False


@pytest.mark.parametrize("name", ["circular", "notice"])
def test_only_the_last_paragraph_travels_with_the_signature(report: MonthReport, tmp_path: Path, name: str) -> None:
    """The text's last paragraph is short and is the only one kept with the signature: where the
    signature does not fit below the text, it goes over with that paragraph (LibreOffice moves
    a kept paragraph whole), not with a block of the text."""
    if name == "circular":
        path = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    else:
        path = documents.write_notices(report, tmp_path, TEMPLATES)[0]
    doc = Document(str(path))
    signature = [p for p in doc.paragraphs if p.style is not None and p.style.style_id == "Signature"]
    body = list(signature[0]._p.getparent())
    at = body.index(signature[0]._p)
    last, before = body[at - 2], body[at - 3]
    assert _keeps_with_next(last)
    assert 0 < len(_text(last)) <= 2 * 26  # two lines of 3号 text at most
    assert not _keeps_with_next(before)  # the paragraph above it may stay behind
    assert _text(before).strip()


def test_receipt_line_is_kept_with_the_signature(report: MonthReport, tmp_path: Path) -> None:
    """The notice's 签收 line follows the date onto the same page; a document that ends with the
    date (the circular) leaves the date's keep off."""
    notice = documents.write_notices(report, tmp_path / "n", TEMPLATES)[0]
    paragraphs = Document(str(notice)).paragraphs
    date, receipt = paragraphs[-2], paragraphs[-1]
    assert date.text == "2022年4月30日" and receipt.text.startswith("签收人：")
    assert date.paragraph_format.keep_with_next is True
    circular = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    assert Document(str(circular)).paragraphs[-1].paragraph_format.keep_with_next is False


def test_place_signature_keeps_a_following_line_even_against_the_style() -> None:
    """A date paragraph whose template turned keepNext off (w:val="0") gets it on when a line
    follows it; with nothing after it, it is left alone."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    sig = '<w:pPr><w:pStyle w:val="Signature"/><w:keepNext w:val="0"/></w:pPr>'
    body = parse_xml(
        f"<w:body {w}><w:p><w:r><w:t>正文</w:t></w:r></w:p><w:p/>"
        f"<w:p>{sig}<w:r><w:t>某办公室</w:t></w:r></w:p><w:p>{sig}<w:r><w:t>2022年4月30日</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>签收人：</w:t></w:r></w:p></w:body>"
    )
    documents.place_signature(body, "某办公室", "2022年4月30日")
    date = body.findall(qn("w:p"))[3]
    assert date.pPr.keepNext is not None and date.pPr.keepNext_val
    body.remove(body.findall(qn("w:p"))[4])
    date.pPr.keepNext.set(qn("w:val"), "0")
    documents.place_signature(body, "某办公室", "2022年4月30日")
    assert not date.pPr.keepNext_val


def test_category_rates_say_long_term_items_are_left_out(report: MonthReport) -> None:
    categories = pd.DataFrame(
        [
            ["政治纪律不严守、决策部署不落实", False, "", 16, 11, 0, 0, 5, 1.0, 0, 0],
            ["懒政怠政、为官不为", False, "", 4, 2, 1, 1, 0, 0.5, 2, 1],
        ],
        columns=list(CATEGORY_COLUMNS),
    )
    text = documents.circular_context(dataclasses.replace(report, categories=categories))["category_text"]
    assert "“政治纪律不严守、决策部署不落实”方面问题16个，已完成11个，完成率100.0%（长期坚持类5个不计入）" in text
    assert "“懒政怠政、为官不为”方面问题4个，已完成2个，完成率50.0%，红灯2个" in text  # no note: none left out


def test_ranking_note_says_how_equal_rates_are_ordered(report: MonthReport, tmp_path: Path) -> None:
    out = documents.write_circular(report, tmp_path / "通报.docx", TEMPLATES)
    doc = Document(str(out))
    ranking = doc.tables[0]._tbl
    note = ranking.getnext()
    assert "完成率相同的，红灯问题少的排名在前" in _text(note)


def test_escalation_puts_names_on_lines_of_their_own(report: MonthReport, tmp_path: Path) -> None:
    problems = report.problems.copy()
    at = problems.index[problems["问题编号"] == "AB-002"][0]
    problems.loc[at, "责任领导"] = "镇党委委员、副镇长 钱志勇"
    problems.loc[at, "责任人"] = "村务监督委员会主任 陈德明"
    out = documents.write_escalation(
        dataclasses.replace(report, problems=problems), tmp_path / "移交纪委清单.docx", TEMPLATES
    )
    row = table_rows(out, 0)[1]
    assert row[5] == "镇党委委员、\n副镇长\n钱志勇"
    assert row[6] == "村务监督委员会主任\n陈德明"
    assert documents._title_lines("John Smith").xml == "John Smith"  # a space between Latin words stays


@pytest.mark.parametrize(
    ("written", "lines"),
    [
        ("王 芳", ["王芳"]),  # a two-character name spaced out for alignment
        ("村委会主任 李\u3000明", ["村委会主任", "李明"]),
        ("组织委员  田春燕", ["组织委员", "田春燕"]),
        ("镇党委委员、副镇长钱志勇", ["镇党委委员、", "副镇长钱志勇"]),  # no space: only the 、 breaks
        ("副镇长 John Smith", ["副镇长 John Smith"]),
        ("王建国、李\u3000明", ["王建国、", "李明"]),  # a padded name after another name
        ("王 芳、李 明", ["王芳、", "李明"]),
        ("王 芳 李 明", ["王芳", "李明"]),  # two padded names are two names
        ("买买提·吐尔逊", ["买买提·吐尔逊"]),
    ],
)
def test_a_persons_name_is_never_broken_across_lines(written: str, lines: list[str]) -> None:
    assert documents._title_lines(written).xml.split("\n") == lines


# 五号 in mm, and the 1 mm cell margins on each side (tools/build_word_templates.py)
SMALL_CHAR_MM = 10.5 * 25.4 / 72
CELL_MARGINS_MM = 2.0


@pytest.mark.parametrize(
    ("name", "type_area_mm"),
    [(documents.CIRCULAR_TEMPLATE, 156), (documents.NOTICE_TEMPLATE, 156), (documents.ESCALATION_TEMPLATE, 247)],
)
def test_table_columns_fill_the_type_area_and_hold_their_headers(name: str, type_area_mm: int) -> None:
    """Each table is as wide as the type area, and every header stands on one line: a narrow
    column never breaks 督办次数 into 督办次 / 数."""
    doc = Document(str(TEMPLATES / name))
    for table in doc.tables:
        widths = [int(col.get(qn("w:w"))) / 56.6929 for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == pytest.approx(type_area_mm, abs=0.5), name
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            size = cell.paragraphs[0].style.font.size.pt
            assert len(cell.text) * size * 25.4 / 72 + CELL_MARGINS_MM <= width, (name, cell.text, width)
        dates = [w for c, w in zip(table.rows[0].cells, widths, strict=True) if c.text in ("完成时限", "办理时限")]
        # 12月31日: four digits, three characters and the quarter-em gaps between them
        assert all(w >= 5.75 * SMALL_CHAR_MM + CELL_MARGINS_MM for w in dates), name
