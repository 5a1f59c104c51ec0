"""形式主义提示 (issue 20): the stage's signals on small hand-written histories, the exact
similarity join against a brute-force count, the [formality] settings and 已核实提示.toml."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CAMPAIGN_TOML, write_campaign

from pipeline import formality
from pipeline.config import Formality, load_campaign, read_cleared
from pipeline.errors import ConfigError
from pipeline.formality import Findings, Hint, Words
from pipeline.model import Signal
from pipeline.vocab import load_vocabulary

WORDS = Words.of(load_vocabulary().sections)
RULES = Formality()
NAMES = ("青石村", "青石", "白沙村", "白沙", "柳湾社区", "柳湾", "镇农业站")
COLUMNS = ["item_id", "unit_code", "month", "seq", "row", "具体问题", "整改措施", "整改进展", "完成状态"]


def history(*rows: tuple[str, str, str, str, str, str, str]) -> pd.DataFrame:
    """(id, unit, month, problem, measure, progress, status) rows; seq by unit and month, Excel rows from 5."""
    records = []
    for n, (item, unit, month, problem, measure, progress, status) in enumerate(rows):
        seq = int(month[-2:]) * 100 + sum(map(ord, unit)) % 100
        records.append((item, unit, month, seq, 5 + n % 30, problem, measure, progress, status))
    return pd.DataFrame.from_records(records, columns=COLUMNS)


QS_ROAD = (
    "青石村3组至5组通组道路2021年修建后未验收即交付使用，路面已出现裂缝",
    "由村两委牵头，6月底前请镇建设办组织验收，对裂缝路段返工修补",
)
BS_ROAD = (
    "白沙村7组至9组通组道路2020年修建后未验收即交付使用，路面已出现裂缝",
    "由村两委牵头，8月底前请镇建设办组织验收，对裂缝路段返工修补",
)
QS_WATER = ("青石村东干渠2公里渠段淤塞，去年秋灌误了12户农时", "3月底前组织村民清淤，落实专人每月巡查一次")
BS_CLINIC = ("白沙村卫生室周末无人值守，群众夜间看病要到15公里外镇卫生院", "与镇卫生院签订协议，5月起周末安排医生轮值")
SLOGAN = ("理论学习不够深入，思想认识不到位", "加强理论学习，提高思想认识")


def test_a_list_copied_with_the_names_and_numbers_changed_is_found() -> None:
    found = formality.findings(
        history(
            ("BS-001", "BS", "2022-03", *BS_ROAD, "已联系镇建设办", "整改中"),
            ("QS-001", "QS", "2022-03", *QS_ROAD, "已联系镇建设办", "整改中"),
            ("QS-002", "QS", "2022-03", *QS_WATER, "已清淤1公里", "整改中"),
        ),
        "2022-03",
        NAMES,
        RULES,
        WORDS,
    )
    copies = [h for h in found.hints if h.signal == Signal.COPY]
    assert [(h.unit_code, h.item_id, h.other_unit, h.other_item, h.score) for h in copies] == [
        ("BS", "BS-001", "QS", "QS-001", 1.0),
        ("QS", "QS-001", "BS", "BS-001", 1.0),
    ]
    assert copies[0].key == copies[1].key == "雷同:BS-001/QS-001"  # one id for the pair: one line clears it


def test_a_unit_whose_list_is_mostly_anothers_is_named_once_for_the_pair() -> None:
    own = [("BS-003", "BS", "2022-04", *BS_CLINIC, "已签协议", "整改中")]
    copied = [
        (f"QS-00{i}", "QS", "2022-03", a.replace("青石", "白沙"), b, "", "整改中")
        for i, (a, b) in enumerate((QS_ROAD, QS_WATER), start=1)
    ]
    again = [
        (f"BS-00{i}", "BS", "2022-04", a.replace("青石", "白沙"), b, "", "整改中")
        for i, (a, b) in enumerate((QS_ROAD, QS_WATER), start=1)
    ]
    found = formality.findings(history(*copied, *again, *own), "2022-04", NAMES, Formality(list_min=3), WORDS)
    lists = found.lists
    assert [(h.unit_code, h.other_unit, h.count, h.total, h.score) for h in lists] == [("BS", "QS", 2, 3, 0.67)]
    assert lists[0].key == "清单雷同:BS/QS"
    assert found.counts()["QS"][Signal.LIST] == 1  # the pair counts for both units
    # last month's list is compared, but only this month's problems are looked at
    assert {h.unit_code for h in found.hints if h.signal == Signal.COPY} == {"BS"}


def test_genuinely_different_problems_on_the_same_topic_are_not_copies() -> None:
    found = formality.findings(
        history(
            ("QS-001", "QS", "2022-03", *QS_WATER, "", "整改中"),
            ("BS-001", "BS", "2022-03", *BS_CLINIC, "", "整改中"),
            (
                "BS-002",
                "BS",
                "2022-03",
                "白沙村村务公开栏2022年一季度财务收支未按时公开",
                "4月10日前补公开一季度财务收支，此后每季度首月10日前公开",
                "",
                "整改中",
            ),
            (
                "QS-002",
                "QS",
                "2022-03",
                "青石村村务公开栏被广告覆盖，低保名单公示不足7天",
                "清理公开栏广告，低保名单重新公示7天并拍照留档",
                "",
                "整改中",
            ),
        ),
        "2022-03",
        NAMES,
        RULES,
        WORDS,
    )
    assert found.hints == ()
    assert found.checked == 4


def test_slogans_empty_measures_and_stale_progress() -> None:
    rows = history(
        ("QS-001", "QS", "2022-03", *SLOGAN, "正在整改", "整改中"),
        (
            "QS-002",
            "QS",
            "2022-03",
            "便民服务大厅窗口人员上班时间经常脱岗",
            "加强便民服务大厅窗口人员管理，杜绝脱岗",
            "已谈话提醒",
            "整改中",
        ),
        ("QS-003", "QS", "2022-03", *QS_WATER, "已清淤1公里", "整改中"),
        ("QS-001", "QS", "2022-04", *SLOGAN, "持续推进", "整改中"),
        (
            "QS-002",
            "QS",
            "2022-04",
            "便民服务大厅窗口人员上班时间经常脱岗",
            "加强便民服务大厅窗口人员管理，杜绝脱岗",
            "已谈话提醒",
            "整改中",
        ),
        ("QS-003", "QS", "2022-04", *QS_WATER, "已清淤2公里，完成全部渠段", "已完成"),
    )
    march = formality.findings(rows, "2022-03", NAMES, RULES, WORDS)
    assert [(h.signal, h.item_id) for h in march.hints] == [
        (Signal.EMPTY, "QS-001"),
        (Signal.ECHO, "QS-001"),  # a slogan's measure restating it is a hint of its own
        (Signal.ECHO, "QS-002"),
    ]
    assert march.counts() == {"QS": {Signal.COPY: 0, Signal.LIST: 0, Signal.EMPTY: 1, Signal.ECHO: 2, Signal.STALE: 0}}
    april = formality.findings(rows, "2022-04", NAMES, RULES, WORDS)
    # the same words carried forward are not judged again; the progress is
    assert [(h.signal, h.item_id) for h in april.hints] == [(Signal.STALE, "QS-001"), (Signal.STALE, "QS-002")]


def test_a_copied_list_is_named_when_copied_and_again_only_when_rewritten() -> None:
    march = [
        ("QS-001", "QS", "2022-03", *QS_ROAD, "", "整改中"),
        ("BS-001", "BS", "2022-03", *BS_ROAD, "", "整改中"),
    ]
    carried = [
        ("QS-001", "QS", "2022-04", *QS_ROAD, "已联系", "整改中"),
        ("BS-001", "BS", "2022-04", *BS_ROAD, "已验收", "整改中"),
    ]
    assert formality.findings(history(*march, *carried), "2022-04", NAMES, RULES, WORDS).hints == ()
    rewritten = [("BS-001", "BS", "2022-04", BS_ROAD[0] + "，雨天积水", BS_ROAD[1], "已验收", "整改中")]
    found = formality.findings(history(*march, *rewritten), "2022-04", NAMES, RULES, WORDS)
    assert [(h.key, h.unit_code, h.score) for h in found.hints] == [("雷同:BS-001/QS-001", "BS", 0.89)]


def test_one_report_is_not_yet_stale_and_a_completed_problem_never_is() -> None:
    found = formality.findings(
        history(
            ("QS-001", "QS", "2022-04", *QS_WATER, "正在整改", "整改中"),
            ("BS-001", "BS", "2022-03", *BS_CLINIC, "已签协议", "已完成"),
            ("BS-001", "BS", "2022-04", *BS_CLINIC, "已签协议", "已完成"),
        ),
        "2022-04",
        NAMES,
        RULES,
        WORDS,
        done_statuses=("已完成",),
    )
    assert found.hints == ()


def test_a_cleared_hint_does_not_come_back_and_is_reported_as_cleared() -> None:
    rows = history(
        ("BS-001", "BS", "2022-03", *BS_ROAD, "", "整改中"),
        ("QS-001", "QS", "2022-03", *QS_ROAD, "", "整改中"),
        ("QS-002", "QS", "2022-03", *SLOGAN, "", "整改中"),
    )
    cleared = {"雷同:BS-001/QS-001": "两村同一工程队修建，问题确属相同", "空话:QS-999": "旧提示"}
    found = formality.findings(rows, "2022-03", NAMES, RULES, WORDS, cleared)
    assert [h.key for h in found.hints] == ["空话:QS-002", "措施照搬问题:QS-002"]
    assert found.cleared == ("雷同:BS-001/QS-001",)


def test_a_later_month_is_not_seen_from_an_earlier_one() -> None:
    rows = history(
        ("QS-001", "QS", "2022-03", *QS_ROAD, "", "整改中"),
        ("BS-001", "BS", "2022-04", *BS_ROAD, "", "整改中"),
    )
    assert formality.findings(rows, "2022-03", NAMES, RULES, WORDS).hints == ()
    assert [h.key for h in formality.findings(rows, "2022-04", NAMES, RULES, WORDS).hints] == ["雷同:BS-001/QS-001"]


def test_no_problems_this_month_means_no_hints() -> None:
    assert formality.findings(history(), "2022-03", NAMES, RULES, WORDS) == Findings()


def test_canonical_removes_names_numbers_dates_and_punctuation() -> None:
    pattern = formality.names_pattern(NAMES)
    assert formality.canonical("青石村3组（2022年5月）：道路 未验收！", pattern) == "组年月道路未验收"
    assert formality.canonical("柳湾社区居务公开栏", pattern) == "村务公开栏"  # a community reads as a village


def test_concrete_texts_are_never_empty_words() -> None:
    assert formality.is_empty("服务意识不强，工作作风不够扎实", WORDS)
    assert not formality.is_empty("服务意识不强，3月有2名群众办低保跑了三次", WORDS)
    assert not formality.is_empty("学习不深入，2022年仅组织集中学习1次", WORDS)
    assert not formality.is_empty("村卫生室无人值守", WORDS)


def _grams(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)} if len(text) >= n else {text}


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.9])
@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("lookups", [1 << 21, 7], ids=["one-batch", "many-small-batches"])
def test_the_similarity_join_finds_exactly_the_pairs_a_brute_force_count_finds(
    threshold: float, n: int, lookups: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formality, "_LOOKUPS", lookups)  # how many n-grams a batch of pairs looks up
    rng = random.Random(7)
    alphabet = "村组路渠桥塘站室院所街巷片区楼栏道建设公开财务低保学习整改验收值守群众办事"
    texts: list[str] = []
    for _ in range(80):
        base = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 40)))
        texts.append(base)
        for _ in range(rng.randint(0, 3)):
            chars = list(base)
            for _ in range(rng.randint(0, 6)):
                chars[rng.randrange(len(chars))] = rng.choice(alphabet)
            texts.append("".join(chars))
    texts = list(dict.fromkeys(texts))
    a, b, score = formality.similar_pairs(texts, threshold, n)
    got = {(int(i), int(j)): round(float(s), 9) for i, j, s in zip(a, b, score, strict=True)}
    grams = [_grams(t, n) for t in texts]
    expected = {}
    for i, j in itertools.combinations(range(len(texts)), 2):
        jaccard = len(grams[i] & grams[j]) / len(grams[i] | grams[j])
        if jaccard >= threshold - 1e-9:
            expected[(i, j)] = round(jaccard, 9)
    assert got == expected
    assert len(expected) > 0


def test_the_join_can_be_limited_to_the_wanted_texts() -> None:
    texts = ["村组道路未验收交付使用", "村组道路未验收就交付使用", "卫生室周末无人值守", "卫生室周末无人值班"]
    wanted = np.array([False, False, True, False])
    a, b, _ = formality.similar_pairs(texts, 0.5, 2, wanted)
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(2, 3)]


def test_formality_settings_are_read_and_checked(tmp_path: Path) -> None:
    text = (
        "[formality]\nsimilarity = 0.8\nngram = 2\nmin_chars = 15\nlist_share = 60\nlist_min = 4\nstale_reports = 3\n"
    )
    campaign = load_campaign(write_campaign(tmp_path, CAMPAIGN_TOML + "\n" + text))
    assert campaign.formality == Formality(
        similarity=0.8, ngram=2, min_chars=15, list_share=0.6, list_min=4, stale_reports=3
    )
    assert load_campaign(write_campaign(tmp_path, CAMPAIGN_TOML)).formality == Formality()


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (
            "similarity = 70",
            "campaign.toml 中“formality.similarity”的值“70”不正确：雷同相似度（0.5 到 1 之间的小数，如 0.65）。",
        ),
        ("ngram = 4", "campaign.toml 中“formality.ngram”的值“4”不正确：比对字组长度（2 或 3）。"),
        (
            "stale_reports = 1",
            "campaign.toml 中“formality.stale_reports”的值“1”不正确：进展未更新的连续报送次数（2 到 12 之间的整数）。",
        ),
        (
            "list_share = true",
            "campaign.toml 中“formality.list_share”的值“True”不正确：清单雷同比例（百分数，如 50）。",
        ),
    ],
)
def test_a_mistyped_formality_setting_is_refused_in_chinese(tmp_path: Path, line: str, text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_campaign(write_campaign(tmp_path, CAMPAIGN_TOML + "\n[formality]\n" + line + "\n"))
    assert caught.value.text == text


def test_an_unknown_formality_setting_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_campaign(write_campaign(tmp_path, CAMPAIGN_TOML + "\n[formality]\nsimilarty = 0.8\n"))
    assert caught.value.code == "config-unknown-key"
    assert "是不是要写“similarity”？" in caught.value.text


def test_the_cleared_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "已核实提示.toml"
    path.write_text('# 已核实\n"雷同:BS-001/QS-001" = "两村同一工程队修建"\n"空话:QS-002" = " 已到村核实 "\n', "utf-8")
    assert read_cleared(path) == {"雷同:BS-001/QS-001": "两村同一工程队修建", "空话:QS-002": "已到村核实"}
    assert read_cleared(tmp_path / "none.toml") == {}


def test_a_cleared_line_that_is_no_hint_id_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "已核实提示.toml"
    path.write_text('"空话:QS-002" = "已核实"\n"QS-003" = "已核实"\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        read_cleared(path)
    assert caught.value.text.startswith("已核实提示.toml 第 2 行的“QS-003”不是提示编号。")


def test_a_cleared_hint_without_what_was_found_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "已核实提示.toml"
    path.write_text('"空话:QS-002" = ""\n', "utf-8")
    with pytest.raises(ConfigError) as caught:
        read_cleared(path)
    assert caught.value.text.startswith("已核实提示.toml 第 1 行提示“空话:QS-002”的核实情况应为一段文字")


def test_hint_ids() -> None:
    assert Hint(Signal.EMPTY, "QS", "QS-002").key == "空话:QS-002"
    assert Hint(Signal.COPY, "QS", "QS-002", other_unit="BS", other_item="BS-001").key == "雷同:BS-001/QS-002"
    assert Hint(Signal.LIST, "QS", other_unit="BS").key == "清单雷同:BS/QS"
