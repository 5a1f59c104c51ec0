"""A sample campaign: ``campaign.toml`` and five months of the files the units really send.

``write_sample_campaign(root)`` writes the roster of a town (xx镇, after the 2022 plan in the
seed) and, under ``root/samples/2022-03 … 2022-07``, one spreadsheet per unit and month with its
modification time set to when the office received it. March holds the problem lists (附件2,
查摆问题); April to July hold the monthly updates on the pipeline's own template (整改落实).

The story is fixed by the seed: the same seed writes the same cell values and mtimes. Every
file written here is valid (SPEC §3-4); the messy and bad files are made elsewhere.

Each unit writes its problems in its own words, with facts in them (``ProblemText.own``): under
the demo's seed no two units list the same problem alike, except for the two lists that show
formalism (流于形式, issue #20): ``COPYING_UNIT`` sends ``COPIED_UNIT``'s March list as its own,
and ``SLOGAN_UNIT`` writes slogans only, with the same progress words every month.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import layout

TOWN = "xx镇"
YEAR = 2022
OFFICE = "xx镇干部作风整顿工作领导小组办公室"
CAMPAIGN_TAG = f"{TOWN}{YEAR}"

MONTHS: tuple[str, ...] = ("2022-03", "2022-04", "2022-05", "2022-06", "2022-07")
AS_OF: tuple[dt.date, ...] = tuple(dt.date(YEAR, int(m[5:]), calendar.monthrange(YEAR, int(m[5:]))[1]) for m in MONTHS)
# 整改落实 continues and 巩固提升 ends the campaign: written by ``write_later_months``.
LATER_MONTHS: tuple[str, ...] = ("2022-08", "2022-09", "2022-10", "2022-11")
ALL_MONTHS: tuple[str, ...] = MONTHS + LATER_MONTHS
ALL_AS_OF: tuple[dt.date, ...] = tuple(
    dt.date(YEAR, int(m[5:]), calendar.monthrange(YEAR, int(m[5:]))[1]) for m in ALL_MONTHS
)
PROBLEM_LIST_DUE = dt.date(YEAR, 3, 20)
MONTHLY_DUE_DAY = 25

# The seven categories (seed 三), canonical names as in pipeline/data/vocab.toml.
POLITICS = "政治纪律不严守、决策部署不落实"
EIGHT_RULES = "违反中央八项规定精神"
SERVICE = "服务不强、环境不优"
IDLENESS = "懒政怠政、为官不为"
OPENNESS = "村（居）务公开专项治理"
PROJECTS = "工程建设领域专项治理"
RED_TAPE = "“办事难”专项治理"
CATEGORIES: tuple[str, ...] = (
    POLITICS,
    EIGHT_RULES,
    SERVICE,
    IDLENESS,
    OPENNESS,
    PROJECTS,
    RED_TAPE,
)
# How some units write the category in their own files (all recognised by the vocabulary).
NUMBERED_CATEGORIES: dict[str, str] = {
    POLITICS: "（一）政治纪律不严守、决策部署不落实",
    EIGHT_RULES: "（二）违反中央八项规定精神",
    SERVICE: "（三）服务不强、环境不优",
    IDLENESS: "（四）懒政怠政、为官不为",
    OPENNESS: "1.村（居）务公开专项治理",
    PROJECTS: "2.工程建设领域专项治理",
    RED_TAPE: "3.“办事难”专项治理",
}
SHORT_CATEGORIES: dict[str, str] = {
    POLITICS: "政治纪律不严守",
    EIGHT_RULES: "违反八项规定精神",
    SERVICE: "服务不强、环境不优",
    IDLENESS: "懒政怠政",
    OPENNESS: "村务公开",
    PROJECTS: "工程建设",
    RED_TAPE: "办事难",
}

NOT_STARTED, IN_PROGRESS, DONE, LONG_TERM = "未启动", "整改中", "已完成", "长期坚持"
# Status words units use instead of the canonical ones (SPEC §3, all recognised).
STATUS_SYNONYMS: dict[str, str] = {
    NOT_STARTED: "未整改",
    IN_PROGRESS: "正在整改",
    DONE: "已整改",
    LONG_TERM: "长期坚持",
}


@dataclass(frozen=True)
class SampleMonth:
    month: str  # "2022-03"
    as_of: dt.date  # the date the office runs that month
    folder: Path  # that month's received files, mtimes set to their received times
    returned: tuple[str, ...] = ()  # names of the files in it the office will return (退回修改)
    register: Path | None = None  # the office's list of assigned matters as it stood that month (交办事项.xlsx)


@dataclass(frozen=True)
class SampleUnit:
    name: str
    code: str
    kind: str  # 村 | 社区 | 部门
    aliases: tuple[str, ...]
    leaders: tuple[str, ...]  # 责任领导
    people: tuple[str, ...]  # 责任人
    filler: str  # 填报人
    focus: tuple[str, ...] = ()  # categories this unit always lists


UNITS: tuple[SampleUnit, ...] = (
    SampleUnit(
        "红星村",
        "HX",
        "村",
        ("红星",),
        ("党支部书记 王建国", "镇党委副书记 李卫东"),
        ("村委会主任 张志强", "村文书 刘秀英", "村务监督委员会主任 陈德明"),
        "刘秀英",
        (OPENNESS, PROJECTS),
    ),
    SampleUnit(
        "向阳村",
        "XY",
        "村",
        ("向阳",),
        ("党支部书记 赵德胜",),
        ("村委会主任 孙长青", "村文书 杨丽", "综治专干 吴小军"),
        "杨丽",
        (OPENNESS, IDLENESS),
    ),
    SampleUnit(
        "团结村",
        "TJ",
        "村",
        ("团结",),
        ("党支部书记 周建华",),
        ("村委会主任 郑永刚", "村文书 冯晓燕", "村会计 马成林"),
        "冯晓燕",
        (POLITICS, OPENNESS),
    ),
    SampleUnit(
        "新华村",
        "XH",
        "村",
        ("新华",),
        ("党支部书记 何志远", "镇人大副主席 邓光明"),
        ("村委会主任 唐国平", "村文书 黄小梅", "便民服务代办员 曾玉兰"),
        "黄小梅",
        (OPENNESS, SERVICE),
    ),
    SampleUnit(
        "光明村",
        "GM",
        "村",
        ("光明",),
        ("党支部书记 罗文军",),
        ("村委会主任 谢春生", "村文书 蒋燕", "村会计 韩德福"),
        "蒋燕",
        (OPENNESS, EIGHT_RULES),
    ),
    SampleUnit(
        "和平村",
        "HP",
        "村",
        ("和平",),
        ("党支部书记 徐国庆",),
        ("村委会主任 程大勇", "村文书 袁芳", "村务监督委员会主任 蔡永福"),
        "袁芳",
        (OPENNESS, RED_TAPE),
    ),
    SampleUnit(
        "东风社区",
        "DF",
        "社区",
        ("东风",),
        ("社区党总支书记 陈丽华",),
        ("社区居委会主任 林海", "社区干事 许婷", "网格员 方志刚"),
        "许婷",
        (OPENNESS, SERVICE),
    ),
    SampleUnit(
        "城关社区",
        "CG",
        "社区",
        ("城关",),
        ("社区党总支书记 宋建军", "镇党委委员 田春燕"),
        ("社区居委会主任 潘红梅", "社区干事 董磊", "网格员 彭小云"),
        "董磊",
        (OPENNESS, IDLENESS),
    ),
    SampleUnit(
        "镇财政所",
        "CZS",
        "部门",
        ("财政所", "xx镇财政所"),
        ("镇党委委员、副镇长 赵国强",),
        ("财政所所长 周立新", "会计 何静", "出纳 孙小燕"),
        "何静",
        (EIGHT_RULES, RED_TAPE),
    ),
    SampleUnit(
        "镇社会事务办公室",
        "SWB",
        "部门",
        ("社会事务办", "镇社会事务办", "社事办"),
        ("镇党委副书记 李卫东",),
        ("社会事务办主任 高文华", "民政专干 石丽娟", "社保专干 夏明"),
        "石丽娟",
        (OPENNESS, RED_TAPE),
    ),
    SampleUnit(
        "镇城镇建设办公室",
        "CJB",
        "部门",
        ("城建办", "镇城建办", "城镇建设办公室"),
        ("镇党委委员、副镇长 钱志勇",),
        ("城建办主任 贾宏伟", "工程管理员 龙飞", "村镇规划员 白雪"),
        "龙飞",
        (PROJECTS,),
    ),
    SampleUnit(
        "镇便民服务中心",
        "BMZX",
        "部门",
        ("便民服务中心", "便民中心"),
        ("镇党委委员、组织委员 田春燕",),
        ("便民服务中心主任 江海燕", "窗口负责人 邹敏", "综合窗口 史佳"),
        "邹敏",
        (SERVICE, RED_TAPE),
    ),
    SampleUnit(
        "镇农业服务中心",
        "NYZX",
        "部门",
        ("农业服务中心", "农服中心"),
        ("镇人大副主席 邓光明",),
        ("农业服务中心主任 侯建平", "农经员 秦红", "农技员 薛刚"),
        "秦红",
        (IDLENESS, RED_TAPE),
    ),
)


# The sample township's own lead departments of the three special campaigns (``[leads]``).
LEADS: dict[str, tuple[str, ...]] = {
    "村务公开": ("镇社会事务办公室",),
    "工程建设": ("镇城镇建设办公室",),
    "办事难": ("镇财政所", "镇社会事务办公室", "镇便民服务中心", "镇农业服务中心"),
}


@dataclass(frozen=True)
class Wording:
    """A problem in one unit's words: 具体问题, 整改措施, one 整改进展 step per month of work, and
    整改进展 once completed. ``{cun}``, ``{cunwu}`` and ``{cunmin}`` become 村/社区, 村务/居务,
    村民/居民 for the unit. A ``rote`` wording's progress is the same words every month whatever
    happens (``steps[0]`` while open, ``steps[-1]`` for 长期坚持): the formalist's way."""

    problem: str
    measure: str
    steps: tuple[str, ...]
    done: str
    rote: bool = False


@dataclass(frozen=True)
class ProblemText:
    """One problem of the pool, with its measures and progress month by month.

    The pool's own words name no unit, place or person of the demo township (``make bench``
    builds another township's files from them). ``own`` gives a unit its own words for the same
    problem: under the demo's seed no two units write the same problem alike (issue #20).
    """

    category: str
    kinds: str  # "村" (villages and communities), "部门" or "全部"
    problem: str
    measure: str
    steps: tuple[str, ...]  # 整改进展, one step per month of work
    done: str  # 整改进展 once completed
    long_term: bool = False  # may be written as 长期坚持
    units: tuple[str, ...] = ()  # restrict to these unit codes (department-specific texts)
    own: dict[str, Wording] = field(default_factory=dict, compare=False)  # unit code -> its words

    def wording(self, code: str) -> Wording:
        """The words unit ``code`` writes this problem in."""
        return self.own.get(code) or Wording(self.problem, self.measure, self.steps, self.done)


PROBLEMS: tuple[ProblemText, ...] = (
    # (一) 政治纪律不严守、决策部署不落实
    ProblemText(
        POLITICS,
        "全部",
        "理论学习不经常，2021年下半年仅组织集中学习2次，学习记录不完整，学习流于形式",
        "制定2022年度学习计划，每月至少组织1次集中学习和1次专题研讨，规范学习记录，主要负责人带头领学",
        ("已制定年度学习计划", "组织集中学习1次、专题研讨1次，学习记录已规范", "建立学习签到和记录台账，按月检查"),
        "年度学习计划已落实，学习记录完整规范",
        long_term=True,
        own={
            "CZS": Wording(
                "所务会学习以传达文件为主，2021年全年只开展过1次财经纪律专题研讨，3名干部学习笔记均不足10篇",
                "每月第一个周一所务会安排专题学习，每季度围绕《预算法实施条例》和财经纪律研讨1次，所长带头讲学，"
                "学习笔记每季度检查",
                (
                    "3月7日所务会专题学习《预算法实施条例》",
                    "4月组织财经纪律专题研讨，3名干部交流发言",
                    "一季度学习笔记已检查，每人每月不少于2篇",
                ),
                "月度专题学习和季度研讨已形成制度，学习笔记检查合格",
            ),
            "NYZX": Wording(
                "中心干部学习与业务脱节，2021年10月以来没有组织过乡村振兴政策专题学习，4名农技人员说不清"
                "2022年中央一号文件的要点",
                "每半月安排1次政策业务学习，4月底前完成中央一号文件专题学习和测试，测试成绩纳入年度考核",
                ("3月25日组织中央一号文件专题学习", "4月28日组织政策测试，4名农技人员均合格"),
                "半月学习制度已落实，政策测试全部合格",
            ),
        },
    ),
    ProblemText(
        POLITICS,
        "全部",
        "开展“三个必谈”谈心谈话不深入，2021年谈话12人次中有5次未形成谈话记录，谈话多停留在布置工作",
        "4月底前组织一次全覆盖谈心谈话，做到“三个必谈”，当天填写谈话记录并存档备查",
        ("已制定谈心谈话计划，明确谈话对象和时间", "已完成班子成员谈话，正在开展与一般干部谈话"),
        "已完成全覆盖谈心谈话共28人次，谈话记录已整理存档",
        own={
            "SWB": Wording(
                "办公室主任与民政、社保专干交心少，2021年只谈过2次，民政专干反映的入户核查任务过重问题一直没有回应",
                "主任每季度与每名干部谈心1次，谈话中反映的困难列入问题清单，1个月内给出答复",
                ("一季度谈心已完成，收集困难问题3条", "3条问题已逐一答复，入户核查任务已重新分工"),
                "季度谈心制度已落实，反映的困难均已答复",
            ),
            "CJB": Wording(
                "2名工程管理员2021年9月调入城建办后未进行任前廉政谈话，对工程管理岗位的廉政风险点不清楚",
                "由分管副镇长补开任前廉政谈话，梳理工程管理岗位廉政风险点并逐人签字确认，此后每半年提醒谈话1次",
                ("已补开2名工程管理员任前廉政谈话", "已梳理工程管理岗位廉政风险点8个，逐人签字确认"),
                "任前谈话已补开，风险点清单已建立，半年提醒谈话已执行",
            ),
            "BMZX": Wording(
                "对窗口人员思想动态掌握不及时，2021年12月一名窗口人员被群众投诉后情绪低落、请假3天，中心事后才知道",
                "中心主任每月与窗口人员谈心1次，建立思想动态台账，遇到群众投诉当天谈心疏导",
                ("3月已与6名窗口人员逐一谈心", "思想动态台账已建立，4月一起投诉后当天完成疏导"),
                "每月谈心和投诉当天疏导已成常态",
            ),
        },
    ),
    ProblemText(
        POLITICS,
        "村",
        "对镇党委政府部署的人居环境整治任务落实不及时，2021年12月交办的5处垃圾乱堆点到2月底只整治了2处",
        "建立镇党委政府决策部署、领导批示工作台账，逐项明确责任人和完成时限，每周跟踪销号",
        ("已建立决策部署落实台账，梳理未结事项5项", "已销号3项，剩余2项正在推进", "剩余事项已制定推进计划，每周调度"),
        "台账事项已全部销号，建立每周跟踪督办机制",
    ),
    ProblemText(
        POLITICS,
        "村",
        "意识形态工作责任制落实不到位，{cun}级宣传栏2021年下半年只更新过1次，广播室无专人管理",
        "明确党组织书记为意识形态工作第一责任人，每季度专题研究一次意识形态工作，规范宣传阵地管理",
        ("已召开支委会专题研究意识形态工作", "已清理更新宣传栏内容，明确广播管理责任人"),
        "意识形态工作责任制已落实，宣传阵地实行专人管理",
        long_term=True,
        own={
            "GM": Wording(
                "光明村文化广场LED屏交由广告公司代管，2021年播出的3条商业信息事先未经村党支部审核",
                "LED屏和大喇叭播出内容一律由党支部书记罗文军审核签字，与广告公司签订内容管理协议，每月检查播出记录",
                ("已与广告公司签订内容管理协议", "播出审核登记簿已启用，4月审核信息6条"),
                "播出内容审核登记已落实，每月检查播出记录",
            ),
        },
    ),
    ProblemText(
        POLITICS,
        "村",
        "{cun}级重大事项“四议两公开”程序执行不规范，2021年有2项重大事项事前未向镇党委请示报告",
        "严格执行“四议两公开”工作法，重大事项事前请示、事后报告，完善会议记录和决议公开",
        ("已组织“两委”干部学习“四议两公开”规定", "已对2021年以来重大事项决策程序逐项自查，补充完善会议记录"),
        "重大事项决策程序已规范，会议记录完整，决议均已公开",
    ),
    ProblemText(
        POLITICS,
        "部门",
        "落实镇党委政府主要领导批示事项力度不够，2021年承办的6件批示事项有2件超过办理时限",
        "建立领导批示事项办理台账，实行限时办结、逐项销号，每月向作风整顿办报送办理情况",
        ("已建立批示事项办理台账，梳理在办事项6项", "已办结4项，剩余2项正在办理"),
        "批示事项已全部办结销号，办理台账按月报送",
    ),
    ProblemText(
        POLITICS,
        "部门",
        "汇报工作语焉不详，2021年报送的请示中有3件未提出具体意见，被退回重报",
        "规范请示报告程序，请示事项须附具体意见和依据，由部门负责人先行审核把关",
        ("已修订请示报告工作规范", "请示事项实行负责人审核签字，正在对照执行"),
        "请示报告规范已执行，请示事项均附具体意见",
    ),
    # (二) 违反中央八项规定精神
    ProblemText(
        EIGHT_RULES,
        "村",
        "2021年{cun}级招待费报销凭证不规范，3笔公务接待无公函、无接待清单",
        "对照公务接待规定清理2021年以来接待费用，规范报销凭证，严格执行“公函+清单”制度",
        ("已清理2021年接待费报销凭证43张", "对无公函的3笔接待费用已说明情况并报镇纪委备案"),
        "接待费用已清理完毕，严格执行“公函+清单”制度",
        own={
            "HX": Wording(
                "红星村2021年报销的公务接待费凭证43张中有9张无公函、无接待清单，10月接待县农业农村局检查组的"
                "费用无审批签字",
                "对红星村2021年以来接待费用逐笔清理，补齐审批手续，严格执行“公函+清单”制度，接待费用由"
                "村务监督委员会主任陈德明按季度审核",
                ("已清理2021年接待费报销凭证43张，列出问题凭证9张", "9张问题凭证已逐笔说明情况，报镇纪委备案"),
                "接待费用清理完毕，2022年公务接待均执行“公函+清单”制度",
            ),
            "GM": Wording(
                "光明村2021年在村委会食堂安排工作餐17次，陪餐人数未登记，其中3次的烟酒费用从村集体收入中列支",
                "停止安排非必要工作餐，烟酒费用由当事人退回，工作餐实行一餐一登记、一月一公示",
                ("已停止非必要工作餐，3笔烟酒费用共1260元已退回", "工作餐登记簿已启用，4月公示1次"),
                "烟酒费用已全部退回，工作餐登记公示制度已落实",
            ),
        },
    ),
    ProblemText(
        EIGHT_RULES,
        "村",
        "{cun}干部操办婚丧喜庆事宜未按要求事前报备，2021年1名{cun}干部为子女办升学宴未报告",
        "组织{cun}干部学习婚丧喜庆事宜报备规定，建立报备台账，由{cunwu}监督委员会监督",
        ("已组织学习婚丧喜庆事宜报备规定", "已建立报备台账，对2021年以来操办情况进行自查"),
        "报备台账已建立，自查未发现新的违规问题",
    ),
    ProblemText(
        EIGHT_RULES,
        "全部",
        "2022年春节期间廉洁提醒不到位，对违规收送礼品礼金问题排查不深入",
        "节前开展廉洁提醒谈话，对违规收送礼品礼金问题开展专项排查，干部签订廉洁承诺书",
        ("已开展清明节前廉洁提醒", "端午节前组织廉洁提醒谈话，干部已签订廉洁承诺书"),
        "廉洁提醒已常态化开展，专项排查未发现问题",
        long_term=True,
        own={
            "TJ": Wording(
                "2022年1月有村民反映团结村干部收受节礼，村里没有核实，也没有向镇纪委报告",
                "由党支部书记周建华向反映人了解情况并报镇纪委核实，每逢元旦、春节、端午、中秋前召开“两委”会"
                "提醒纪律，干部逐人签订承诺书",
                ("已报镇纪委并配合核实，未发现收受节礼", "端午前召开“两委”会提醒纪律，7名干部签订承诺书"),
                "反映问题已核实回复，节前纪律提醒已常态化",
            ),
            "CZS": Wording(
                "对公款购买节礼的排查只靠各单位自报，未抽查2022年1月至2月各单位的支出凭证",
                "抽查全镇各单位和村（社区）1月至2月支出凭证不少于30%，重点查办公用品、慰问品列支，"
                "节前向各单位印发纪律提醒",
                ("已抽查15个单位1—2月支出凭证186张", "端午前已向各单位印发节日纪律提醒"),
                "节日支出抽查已常态化，抽查未发现公款送礼",
            ),
            "CJB": Wording(
                "对施工单位逢年过节“打招呼”送礼防范不够，2022年春节前未向8家在建项目施工单位书面告知廉洁要求",
                "向在建项目施工单位发放廉洁告知书并收回签字回执，节前公布拒收礼品礼金承诺和举报电话",
                ("已向8家施工单位发放廉洁告知书，回执全部收回", "端午前已公布拒收礼品礼金承诺"),
                "廉洁告知和节前承诺已常态化",
            ),
        },
    ),
    ProblemText(
        EIGHT_RULES,
        "村",
        "{cun}级误工补贴发放标准不统一，2021年有4人次补贴发放依据不足",
        "清理2021年以来误工补贴发放情况，统一发放标准，经{cunmin}代表会议通过后公示",
        ("已完成2021年误工补贴发放情况清理", "已拟定误工补贴发放标准，待{cunmin}代表会议审议"),
        "误工补贴发放标准已经{cunmin}代表会议通过并公示",
        own={
            "CG": Wording(
                "城关社区2021年聘请6名临时协管员参与疫情防控值守，补贴有的按天、有的按次发放，发放表没有考勤依据",
                "临时协管员补贴统一按天计发，凭值守签到表发放，标准经居民代表会议通过后在居务公开栏公示",
                ("已核对2021年协管员值守记录412人天", "补贴标准已经居民代表会议通过并公示"),
                "协管员补贴凭签到按天发放，标准已公示",
            ),
        },
    ),
    ProblemText(
        EIGHT_RULES,
        "部门",
        "财会人员业务培训不足，2021年各村（社区）报账员有5人未参加培训，报销票据退回率达18%",
        "牵头组织全镇财会人员开展业务培训，规范报销审核流程，每季度抽查各村（社区）报销凭证",
        ("已制定财会人员培训方案", "4月组织全镇财会人员培训1次，参训36人", "已完成二季度报销凭证抽查"),
        "培训和季度抽查已完成，报销审核流程已规范",
        units=("CZS",),
    ),
    ProblemText(
        EIGHT_RULES,
        "部门",
        "公务用车使用登记不规范，2022年1月至2月有11张派车单未填写事由和里程",
        "完善公务用车派车登记制度，逐次填写事由、里程，每月公示用车情况",
        ("已修订公务用车管理制度", "派车单已逐次规范填写，4月用车情况已公示"),
        "公务用车登记制度已落实，每月公示用车情况",
    ),
    ProblemText(
        EIGHT_RULES,
        "部门",
        "下村工作就餐管理不规范，2021年有6次下村就餐未交伙食费",
        "开展下村吃喝问题专项排查，严格执行下村就餐交费规定，建立就餐登记台账",
        ("已开展下村吃喝问题专项排查", "已建立下村就餐登记台账，就餐均按标准交费"),
        "专项排查已完成，下村就餐登记交费制度已执行",
        own={
            "CJB": Wording(
                "工程管理员到工地检查时在施工单位食堂吃饭，2021年11月以来有4次没有交钱",
                "工地检查一律不在施工单位用餐，已用餐的按标准补交伙食费，检查记录由分管领导签字",
                ("4次用餐费用已按标准补交", "检查记录已增设用餐情况一栏"),
                "费用补交完毕，工地检查用餐规定已执行",
            ),
            "NYZX": Wording(
                "农技人员下村指导时由种植大户安排食宿，2021年秋收期间有2人次在大户家中吃饭",
                "下村指导一律自带午餐或到村委会工作餐点按标准交费，2人次用餐补交费用并作书面说明",
                ("2人次用餐费用已补交，当事人已作书面说明", "已向种植大户发放不安排吃请提醒卡"),
                "下村用餐交费规定已执行，未再发生吃请",
            ),
        },
    ),
    # (三) 服务不强、环境不优
    ProblemText(
        SERVICE,
        "村",
        "{cun}级便民服务代办点服务事项进驻不全，代办员2022年2月有6个工作日不在岗",
        "按“应进必进”要求梳理代办事项并全部进驻，公示代办员联系方式，落实坐班值守和代办登记制度",
        ("已梳理代办事项清单32项", "代办事项已全部进驻，代办员联系方式已公示", "已落实坐班值守和代办登记"),
        "代办事项全部进驻，代办员坚持坐班，代办登记规范",
    ),
    ProblemText(
        SERVICE,
        "村",
        "惠民惠农政策公开不及时，2022年耕地地力保护补贴政策未及时向群众宣传",
        "通过公开栏、{cunmin}微信群及时公开惠民惠农政策，组织网格员入户宣传",
        ("已在公开栏和微信群公开耕地地力保护补贴政策", "网格员已入户宣传覆盖86%的农户"),
        "政策已全面公开，入户宣传全覆盖",
        own={
            "DF": Wording(
                "东风社区还有87户承包地农户，2022年地力补贴申报通知只贴在社区门口，3户外出务工农户错过了申报",
                "通过居民微信群和电话逐户通知承包地农户，协助错过申报的3户向镇农业服务中心补报",
                ("已电话通知87户承包地农户", "3户已补报，已纳入补贴发放名单"),
                "申报通知已逐户送达，3户补报到位",
            ),
        },
    ),
    ProblemText(
        SERVICE,
        "村",
        "代办员服务态度生硬，2022年2月被群众投诉2次，只讲“不能办”、不讲“怎么办”",
        "开展代办员服务礼仪和业务培训，推行首问负责和一次性告知制度，设置群众意见箱",
        ("已设置群众意见箱并公布投诉电话", "已组织代办员参加镇便民服务中心业务培训"),
        "首问负责和一次性告知制度已落实，群众意见箱未收到新的投诉",
        own={
            "CG": Wording(
                "城关社区服务大厅居民排队无人引导，2022年3月有老年居民办理医保缴费等了1个多小时",
                "设置引导岗由网格员轮值导办，为60岁以上老人开设绿色通道，高峰期增开1个窗口",
                ("已设置引导岗，开设老年人绿色通道", "高峰期已增开1个窗口，4月平均等候时间降至15分钟"),
                "引导岗和绿色通道已运行，排队时间明显缩短",
            ),
        },
    ),
    ProblemText(
        SERVICE,
        "部门",
        "窗口工作人员服务态度生硬，2021年被群众投诉“脸难看、话难听”5件",
        "开展窗口人员宗旨意识和服务规范培训，推行“好差评”制度，每月通报评价结果",
        ("已组织窗口人员服务规范培训", "“好差评”评价器已安装使用，4月好评率96%", "每月通报评价结果"),
        "“好差评”制度已常态运行，连续两月无差评",
        units=("BMZX",),
    ),
    ProblemText(
        SERVICE,
        "部门",
        "下沉到村的服务事项指导不到位，2021年村级代办点代办的社保业务有23件因资料不全被退回",
        "每季度对村级代办员开展业务培训，编制代办事项办事指南下发各村（社区）",
        ("已编制代办事项办事指南初稿", "办事指南已印发各村（社区），组织代办员培训1次"),
        "办事指南已印发，季度培训已开展",
        units=("BMZX", "SWB"),
    ),
    ProblemText(
        SERVICE,
        "部门",
        "政策公开进度缓慢，2022年已下达的15项惠民惠农政策中有6项未在政务公开栏公开",
        "梳理2022年各类惠民惠农政策，7个工作日内在政务公开栏和政府网站公开，建立公开台账",
        ("已梳理2022年惠民惠农政策15项", "已公开12项，剩余3项待上级文件明确后公开"),
        "15项政策已全部公开，公开台账已建立",
        units=("NYZX", "SWB", "CZS"),
        own={
            "NYZX": Wording(
                "农机购置补贴、稻谷补贴等2022年农业政策只在中心内部传达，镇政府网站农业栏目自2021年9月起没有更新",
                "由农经员负责农业政策发布，收到上级文件5个工作日内在镇政府网站农业栏目和各村公开栏发布",
                ("已补发布2022年农业补贴政策7项", "网站农业栏目已按周更新"),
                "农业政策发布已专人负责，发布及时",
            ),
        },
    ),
    # (四) 懒政怠政、为官不为
    ProblemText(
        IDLENESS,
        "村",
        "处理群众信访诉求不够有力，3组与5组之间土地边界纠纷信访问题久拖未决",
        "党组织书记牵头包案化解，会同镇司法所开展调解，明确化解时限，定期回访",
        ("已成立化解专班，走访双方当事人", "已会同镇司法所组织调解2次", "已委托测绘单位重新勘界"),
        "纠纷已调解化解，双方签订调解协议，已回访",
    ),
    ProblemText(
        IDLENESS,
        "村",
        "{cun}干部坐班值班制度执行不严格，2022年1月镇里暗访3次有2次值班室无人",
        "完善{cun}干部坐班值班制度，实行上下班签到和去向公示，镇包村干部不定期抽查",
        ("已修订坐班值班制度，实行签到", "已设置干部去向公示牌，镇包村干部抽查2次"),
        "坐班值班制度已落实，抽查未发现脱岗",
        long_term=True,
        own={
            "HX": Wording(
                "红星村“两委”干部上午到岗晚，2022年2月考勤表记录迟到11人次、早退4人次，群众上午办事常找不到人",
                "实行上午8点半前到岗和指纹考勤，考勤结果每月在红星村村务公开栏公布，连续迟到3次的由党支部书记"
                "王建国约谈",
                ("指纹考勤机已安装启用，3月考勤已公布", "4月迟到早退降至2人次，已约谈1名干部"),
                "到岗考勤制度已落实，考勤结果按月公布",
            ),
            "DF": Wording(
                "东风社区夜间和周末没有人值班，2022年2月居民反映的2起楼道漏水隔天才有人处理",
                "社区干部轮流值班并公布24小时值班电话，周末由3名网格员轮值，居民诉求2小时内响应",
                ("已排定社区干部值班表，公布24小时值班电话", "周末网格员轮值已运行，3月受理诉求均在2小时内响应"),
                "夜间和周末值班已落实，诉求响应及时",
            ),
        },
    ),
    ProblemText(
        IDLENESS,
        "村",
        "防汛减灾值班制度落实不到位，2021年汛期存在值班人员脱岗情况",
        "制定2022年防汛值班表，落实24小时值班和带班领导制度，值班情况每日报镇应急办",
        ("已制定2022年防汛值班表", "已开展防汛应急演练，值班情况每日上报"),
        "汛期值班制度已落实，值班记录完整",
        own={
            "GM": Wording(
                "光明村河堤边5户危房户没有具体的汛期转移预案，2021年7月暴雨时靠临时打电话转移，1户老人没有及时转出",
                "对5户危房户逐户制定转移预案，落实“一户一责任人”，汛前组织1次转移演练",
                ("5户转移预案已制定，责任人已明确", "5月20日组织转移演练1次"),
                "转移预案和责任人已落实，汛前演练已开展",
            ),
        },
    ),
    ProblemText(
        IDLENESS,
        "村",
        "拖欠群众务工款项未及时清理，2019年以来拖欠{cunmin}修路务工款4.6万元，群众多次反映",
        "全面排查清理{cun}级拖欠群众钱款，制定分期偿还计划并公示，按期兑付",
        ("已排查拖欠群众务工款4.6万元", "已制定偿还计划并公示，兑付2.1万元", "已兑付3.5万元"),
        "拖欠群众务工款已全部兑付",
        own={
            "CG": Wording(
                "城关社区2020年老旧小区改造时欠3名居民临时用工工资1.2万元，居民多次到社区讨要",
                "核实3名居民用工天数，从社区服务经费中安排资金，6月底前一次结清并取得签收",
                ("已核实用工天数共96天", "已结清1名居民工资0.4万元"),
                "3名居民工资1.2万元已结清并签收",
            ),
        },
    ),
    ProblemText(
        IDLENESS,
        "村",
        "低保、临时救助等惠民资金评议审核把关不严，2021年新增低保户中有2户为{cun}干部近亲属，存在优亲厚友苗头",
        "对2021年以来低保、临时救助资金发放情况进行全面复核，评议过程全程公开",
        ("已对2021年以来低保对象逐户复核", "复核发现不符合条件2户，已按程序退出"),
        "复核已完成，不符合条件的已清退，评议结果已公示",
    ),
    ProblemText(
        IDLENESS,
        "部门",
        "个别干部工作拈轻怕重，2021年有3件跨股室的群众诉求互相推诿，超过1个月未答复",
        "建立岗位责任清单和首办负责制，将推诿扯皮行为纳入月度考核",
        ("已制定岗位责任清单", "首办负责制已实行，纳入4月月度考核"),
        "岗位责任清单和首办负责制已落实",
        own={
            "BMZX": Wording(
                "群众来问不动产登记、户籍等不在中心受理的事项时，窗口人员只说“不归我们管”，2022年2月12345热线转来"
                "这类投诉3件",
                "编制非本中心受理事项去向指引，窗口人员为群众写明承办单位、地址和电话，必要时当场电话对接",
                ("已编制去向指引，列明事项41项", "4月起窗口人员按指引答复，未再收到同类投诉"),
                "去向指引已使用，同类投诉清零",
            ),
            "NYZX": Wording(
                "村民反映的病虫害、畜禽防疫问题被推给村里处理，2022年3月水稻育秧期有4户村民求助没人上门",
                "建立农技求助登记和48小时上门制度，3名农技员分片包村，求助办理情况每周汇总",
                ("求助登记簿已启用，4户求助已上门处理", "3名农技员分片包村，每周汇总求助情况"),
                "农技求助48小时上门已落实",
            ),
        },
    ),
    ProblemText(
        IDLENESS,
        "部门",
        "执行工作纪律不严，2022年1月镇里暗访发现上班期间有2人玩手机游戏",
        "修订考勤和工作纪律制度，配合作风整顿办不定期暗访，发现问题通报批评",
        ("已修订考勤和工作纪律制度", "作风整顿办暗访1次，未发现问题"),
        "工作纪律制度已落实，暗访未发现问题",
        long_term=True,
        own={
            "CJB": Wording(
                "工程管理员外出检查不登记，2022年2月有5个半天人不在办公室，去向无法核实",
                "外出检查须在去向登记簿写明事由、地点和返回时间，主任每周核对1次，结果纳入月度考核",
                ("去向登记簿已启用", "主任每周核对登记，3月核对4次未发现问题"),
                "外出登记和每周核对已落实",
            ),
        },
    ),
    ProblemText(
        IDLENESS,
        "部门",
        "惠民惠农补贴资金监管不到位，2021年度部分补贴资金发放进度滞后",
        "建立惠农补贴资金发放台账，逐笔核对发放对象和金额，每月通报发放进度",
        ("已建立补贴资金发放台账", "已逐笔核对2021年度补贴资金，滞后资金已拨付85%"),
        "补贴资金已全部发放到户，台账逐笔可查",
        units=("NYZX", "CZS"),
    ),
    # 村（居）务公开专项治理
    ProblemText(
        OPENNESS,
        "村",
        "{cunwu}公开栏未按季度更新，2021年第四季度财务收支未公开",
        "对照“七公开一曝光”要求补公开2021年第四季度财务收支，建立按季度公开台账，由{cunwu}监督委员会监督",
        ("正在整理2021年第四季度财务收支明细", "已在公开栏补公开2021年第四季度财务收支", "已建立按季度公开台账"),
        "已补公开并建立按季度公开制度，经{cunwu}监督委员会核查到位",
        own={
            "HX": Wording(
                "红星村村务公开栏2021年第四季度未更新，10月至12月的财务收支和新增低保户名单都没有公开",
                "按“七公开一曝光”要求补公开2021年第四季度事项，建立按季度公开台账，每季度首月10日前更新，"
                "由村务监督委员会签字确认",
                (
                    "正在整理2021年第四季度财务收支和低保名单",
                    "第四季度事项已补公开",
                    "按季度公开台账已建立，4月10日前完成一季度公开",
                ),
                "已补公开并建立按季度公开制度，经村务监督委员会核查到位",
            ),
        },
    ),
    ProblemText(
        OPENNESS,
        "村",
        "{cun}级财务收支结余公开不全面，2021年有15笔开支只公开总数未公开明细",
        "逐笔梳理2021年以来财务收支，按明细公开，设置查询点接受群众查询",
        ("已逐笔梳理2021年财务收支", "已按明细公开2021年全年收支结余"),
        "财务收支已按明细公开，群众可随时查询",
        own={
            "HX": Wording(
                "红星村2021年村道维修、水渠清淤等12笔开支合计6.8万元只公布了总数，村民代表在12月的会上提出质疑",
                "逐笔梳理红星村2021年全年收支，在村务公开栏按明细补公开，由村文书刘秀英每月更新，设财务查询点"
                "接受村民查询",
                ("已逐笔梳理2021年收支凭证，整理开支明细12笔", "12笔开支明细已在村务公开栏补公开"),
                "财务收支已按明细公开，村民可到查询点查询",
            ),
            "GM": Wording(
                "光明村集体鱼塘2021年发包收入3.2万元没有入村级账务公开，村民不清楚承包费的去向",
                "鱼塘发包收入纳入村级账务，在村务公开栏公开发包合同、收入和使用情况，村务监督委员会逐月核对",
                ("3.2万元发包收入已入账", "发包合同和收支情况已在公开栏公开"),
                "鱼塘发包收支已公开，逐月核对制度已落实",
            ),
            "CG": Wording(
                "城关社区2021年收取的门面房租金8.4万元及其支出没有向居民公开，居民代表多次询问",
                "门面房租金收支纳入居务公开，每半年公开1次租赁合同、收入和支出明细，接受居民查询",
                ("已整理门面房租赁合同7份和收支明细", "2021年租金收支已在居务公开栏公开"),
                "门面房租金收支已公开，半年公开制度已建立",
            ),
        },
    ),
    ProblemText(
        OPENNESS,
        "村",
        "项目公开不到位，2021年道路硬化项目资金使用情况未公开",
        "公开道路硬化项目立项、招标、资金使用和验收情况，设置项目公示牌",
        ("已收集项目立项、招标和资金使用资料", "项目公示牌已设置，资金使用情况已公开"),
        "项目建设和资金使用情况已全部公开",
        own={
            "HX": Wording(
                "红星村2022年4月开工的3组至5组产业路没有设置项目公示牌，群众不清楚投资额和施工单位",
                "在项目现场设置公示牌，公开投资额、施工单位、工期和监督电话，竣工后公开结算情况",
                ("项目公示牌已在路口设置", "工程进度和已付款情况已在村务公开栏公布"),
                "产业路项目信息已全部公开，结算情况已公示",
            ),
        },
    ),
    ProblemText(
        OPENNESS,
        "村",
        "举报方式公开不到位，{cunwu}公开栏和便民服务代办点2处均未公布监督举报电话",
        "在{cunwu}公开栏、便民服务代办点公布镇纪委和作风整顿办举报电话（0000—12345678）",
        ("已在公开栏公布举报电话",),
        "举报电话已在公开栏和代办点公布",
        own={
            "TJ": Wording(
                "团结村村务监督委员会成员的姓名和联系方式没有公开，2021年村民有意见只能直接找村干部",
                "在村委会门口和各组公告栏公布村务监督委员会3名成员的姓名、电话，设村务监督意见箱，每月开箱1次",
                ("监委会成员姓名、电话已在各组公告栏公布", "意见箱已设立，4月开箱收到意见2条"),
                "监委会联系方式已公开，意见箱按月开箱",
            ),
            "DF": Wording(
                "东风社区12个小区的楼栋公告栏没有张贴社区纪检监督员和镇纪委的举报方式，居民不知道找谁反映问题",
                "各小区楼栋公告栏张贴社区纪检监督员、镇纪委举报电话和二维码，网格员每月检查更新",
                ("12个小区楼栋公告栏已张贴举报方式",),
                "举报方式已在全部小区张贴，网格员每月检查",
            ),
            "CG": Wording(
                "城关社区居务公开栏设在办公楼二楼走廊，居民平时看不到，2022年1月至3月无人查看",
                "公开栏移至社区服务大厅门口，公开内容同步在居民微信群和大厅电子屏发布",
                ("公开栏已移至服务大厅门口", "公开内容已同步在微信群和电子屏发布"),
                "公开栏已移位，线上线下同步公开",
            ),
        },
    ),
    ProblemText(
        OPENNESS,
        "村",
        "惠民政策公开和资金公开不及时，2021年度各类补贴发放名单未公示",
        "补公示2021年度各类补贴发放名单，今后补贴发放前先公示7天",
        ("已整理2021年度补贴发放名单", "已补公示2021年度补贴发放名单"),
        "补贴发放名单已补公示，发放前公示制度已建立",
        own={
            "GM": Wording(
                "光明村2021年危房改造补助4户、产业奖补12户，评定前没有开村民代表会议，结果也没有张榜",
                "对这16户补开村民代表会议评议并张榜7天，今后评定结果先张榜后上报",
                ("已召开村民代表会议补评议16户", "评议结果已张榜7天，无异议"),
                "16户已补评议张榜，先张榜后上报已执行",
            ),
            "DF": Wording(
                "东风社区2021年高龄津贴、残疾人两项补贴享受名单只报给镇社会事务办，没有在社区张贴，126名享受对象"
                "情况居民不知情",
                "在居务公开栏和居民微信群补发2021年高龄津贴、残疾人两项补贴享受名单，以后每季度更新1次",
                ("已核对享受对象126名", "享受名单已在公开栏和微信群发布"),
                "享受名单已公布，每季度更新",
            ),
        },
    ),
    ProblemText(
        OPENNESS,
        "部门",
        "对各村（社区）“七公开一曝光”执行情况督导检查不够，2021年全年只检查了1次，公开内容和时间标准不统一",
        "制定村（居）务公开目录和时间表，每季度对各村（社区）公开情况开展督查并通报",
        ("已制定村（居）务公开目录和时间表", "已开展一季度公开情况督查，通报问题6个", "已督促问题整改到位"),
        "公开目录已印发，季度督查通报制度已建立",
        units=("SWB",),
    ),
    ProblemText(
        OPENNESS,
        "部门",
        "典型案例曝光工作落实不力，2021年以来未开展典型案例曝光",
        "会同镇纪委收集整理典型案例，每半年在公开栏和镇政务公开平台曝光一次",
        ("已会同镇纪委收集典型案例3个", "上半年典型案例已在政务公开平台曝光"),
        "典型案例曝光已落实，建立半年曝光机制",
        units=("SWB",),
    ),
    ProblemText(
        OPENNESS,
        "部门",
        "部门政务公开内容不全，2021年第四季度以来资金使用、办事流程等信息未更新",
        "对照政务公开目录补全公开内容，明确专人每月更新，接受群众监督",
        ("已对照公开目录梳理应公开事项", "已补充公开资金使用和办事流程信息"),
        "政务公开内容已补全，每月专人更新",
        units=("CZS", "NYZX", "BMZX"),
    ),
    # 工程建设领域专项治理
    ProblemText(
        PROJECTS,
        "村",
        "2021年实施的组道硬化工程竣工验收把关不严，部分路段出现开裂",
        "会同镇城镇建设办公室组织复验，督促施工单位在保修期内返修，完善验收程序",
        ("已会同镇城建办现场复验，确定返修路段约320米", "已约谈施工单位，制定返修方案", "返修材料已进场"),
        "开裂路段已返修完毕，经镇城建办复验合格",
    ),
    ProblemText(
        PROJECTS,
        "村",
        "{cun}级小型工程项目未按规定比选，2021年有3个项目直接指定施工队",
        "严格执行{cun}级小型工程项目比选程序，比选过程全程公开，邀请{cunwu}监督委员会参与",
        ("已组织学习小型工程项目管理办法", "新实施的排水沟项目已按程序比选并公示"),
        "小型工程项目比选程序已规范执行",
        own={
            "DF": Wording(
                "东风社区2021年4个小区的路灯维修和化粪池清掏都没有询价比较，由社区干部的熟人承接",
                "5万元以下的社区项目邀请3家以上单位报价，结果在居务公开栏公示3天，社区干部亲属一律回避",
                ("已制定社区小额项目询价办法", "4月路灯维修项目已邀请3家报价并公示"),
                "小额项目询价公示已执行，干部亲属回避已落实",
            ),
            "CG": Wording(
                "城关社区2021年老旧小区雨污分流配套工程签证变更2次，增加费用2.6万元，未经居民代表会议讨论",
                "工程变更签证一律提交居民代表会议讨论并报镇城建办审核，已发生的2次变更请镇城建办复核",
                ("已提请镇城建办复核2次变更签证", "复核核减费用0.7万元，已在居务公开栏公示"),
                "变更签证复核完毕，变更先议后报已执行",
            ),
        },
    ),
    ProblemText(
        PROJECTS,
        "村",
        "{cun}级公益项目工程质量监管不严，2021年实施的2个项目施工过程资料台账不完整",
        "明确专人负责项目现场监管，建立施工日志和隐蔽工程影像资料台账",
        ("已明确项目现场监管责任人", "正在补充完善施工过程资料台账"),
        "项目资料台账已完善，监管责任落实到人",
        own={
            "HX": Wording(
                "红星村2021年建设的文化广场和2组便民桥2个公益项目没有施工日志，隐蔽工程没有留存影像资料",
                "明确村委会主任张志强为项目现场监管责任人，补建2个项目施工资料台账，今后在建项目每周记录施工日志"
                "并拍照留存",
                (
                    "已明确项目现场监管责任人",
                    "已向施工单位调取2个项目的施工资料",
                    "便民桥隐蔽工程资料缺失，正在请镇城建办协助检测",
                ),
                "2个项目资料台账已补建完善，监管责任落实到人",
            ),
        },
    ),
    ProblemText(
        PROJECTS,
        "部门",
        "部分镇级工程项目招投标程序不规范，存在化整为零规避招标的问题",
        "全面梳理2021年以来镇级工程项目招投标情况，对程序不规范的逐项整改，规范项目比选和招标流程",
        ("已梳理2021年以来镇级工程项目27个", "发现程序不规范项目3个，已逐项提出整改意见", "已修订镇级工程项目管理办法"),
        "问题项目已整改，镇级工程项目管理办法已印发执行",
        units=("CJB",),
    ),
    ProblemText(
        PROJECTS,
        "部门",
        "工程建设质量监管不严，2021年实施的场镇排水管网工程竣工验收把关不严，部分管段渗漏",
        "委托第三方对已完工项目开展质量复查，对质量问题督促施工单位限期返工",
        ("已委托第三方开展质量复查", "复查发现渗漏管段2处，已下达返工通知", "施工单位已进场返工"),
        "渗漏管段已返工，经第三方复查合格",
        units=("CJB",),
    ),
    ProblemText(
        PROJECTS,
        "部门",
        "对中标人转包、违法分包问题监管不到位，2021年有2个在建项目的项目经理长期不在岗",
        "开展工程项目转包、违法分包专项检查，核查项目经理到岗履职情况，发现问题移交有关部门处理",
        ("已制定专项检查方案", "已检查在建项目5个，约谈项目经理不在岗的施工单位1家"),
        "专项检查已完成，发现问题已移交县住建局处理",
        units=("CJB",),
    ),
    ProblemText(
        PROJECTS,
        "部门",
        "农田水利项目竣工验收不及时，2021年度高标准农田项目资料归档不全",
        "会同镇城建办组织项目验收，补齐项目资料并归档",
        ("已会同镇城建办开展现场验收", "已补齐项目资料并归档"),
        "项目已验收，资料已归档",
        units=("NYZX",),
    ),
    # “办事难”专项治理
    ProblemText(
        RED_TAPE,
        "村",
        "{cun}干部代群众到镇里办事时不熟悉流程，2021年有9件代办事项因材料不全让群众来回跑",
        "梳理常办事项清单和办事流程，实行{cun}干部代办帮办，做到群众办事“最多跑一次”",
        ("已梳理常办事项清单18项", "已公示代办帮办事项和联系电话"),
        "代办帮办制度已落实，群众办事“最多跑一次”",
    ),
    ProblemText(
        RED_TAPE,
        "村",
        "{cun}级项目资金申报材料准备不规范，2021年先后被退回3次，影响资金拨付进度",
        "主动对接镇财政所，按资金拨付资料清单一次性备齐材料，明确专人负责",
        ("已取得资金拨付资料清单", "已明确专人负责资金申报"),
        "资金申报材料已规范，拨付按时完成",
    ),
    ProblemText(
        RED_TAPE,
        "部门",
        "村（社区）资金拨付审核流程长，平均需12个工作日，所需资料一次性告知不到位，基层干部来回跑",
        "梳理资金拨付流程和所需资料清单并公示，实行一次性告知和限时办结，拨付时限压缩至5个工作日",
        ("已梳理资金拨付流程和资料清单", "资料清单已公示并发送各村（社区）", "已实行限时办结"),
        "资金拨付实行一次性告知和5个工作日内办结",
        units=("CZS",),
    ),
    ProblemText(
        RED_TAPE,
        "部门",
        "关键岗位人员经常不在岗，2022年2月群众反映找人办事3次扑空，“人难找、门难进”",
        "实行AB岗工作制度和工作人员去向公示，工作时间窗口不断人",
        ("已制定AB岗工作制度", "已设置去向公示牌，AB岗已运行"),
        "AB岗和去向公示制度已落实，窗口不断人",
        units=("BMZX", "SWB", "CZS"),
        own={
            "SWB": Wording(
                "民政专干外出入户核查时没有人顶岗，2022年1月至2月有7位群众来申请低保、临时救助没找到经办人",
                "民政、社保业务互为备岗，外出入户前在办公室门口写明返回时间和代办人电话，来访群众当天登记、次日回复",
                ("民政、社保业务已互为备岗", "来访登记簿已启用，3月登记来访11人次均次日回复"),
                "互为备岗和来访登记回复已落实",
            ),
            "BMZX": Wording(
                "中心午间12点至下午2点窗口无人，外出务工群众只能中午来办事，2022年3月因此投诉4件",
                "实行午间轮班，每天2名窗口人员值守，公示午间服务时间，周六上午增设预约服务",
                ("午间轮班已排定，4月起每天2人值守", "周六上午预约服务已开通，4月预约办理23件"),
                "午间轮班和周六预约已常态运行",
            ),
        },
    ),
    ProblemText(
        RED_TAPE,
        "部门",
        "农业项目申报手续繁琐，2021年村（社区）申报的11个项目有7个因材料问题被退回",
        "精简农业项目申报材料，编制申报指南，实行申报材料预审服务",
        ("已精简申报材料5项", "申报指南已编制并发放各村（社区）"),
        "申报材料已精简，预审服务已实行",
        units=("NYZX",),
    ),
    ProblemText(
        RED_TAPE,
        "部门",
        "社会救助、社保业务审批时限长，临时救助审批平均需25个工作日，群众为一件事反复跑",
        "优化社会救助审批流程，推行容缺受理和限时办结，实行办理进度短信告知",
        ("已梳理社会救助审批流程", "已推行容缺受理，审批时限压缩至10个工作日"),
        "审批流程已优化，容缺受理和限时办结已落实",
        units=("SWB",),
    ),
    ProblemText(
        RED_TAPE,
        "部门",
        "项目审批资料审查标准不一，2021年村（社区）报送的审批资料有14份多次退回，基层干部来回跑",
        "统一审查标准，编制审批资料样本，实行一次性告知和预审服务",
        ("已统一审查标准", "已编制审批资料样本并发放"),
        "审查标准已统一，一次性告知已落实",
        units=("CJB",),
    ),
)

# 流于形式 (issue #20): one village sends another's March list as its own, and one writes slogans.
COPIED_UNIT = "HX"  # 红星村: its March list is copied
COPYING_UNIT = "XH"  # 新华村: sends 红星村's March list with the names swapped and one number changed
COPY_CHANGE: tuple[str, str] = ("9张", "7张")  # the one number the copier changes, wherever it is written
SLOGAN_UNIT = "HP"  # 和平村: slogans only, measures restating them, the same progress words every month
# The slogan unit's words per category, in turn: no fact (no number, date, place or person) in them.
SLOGANS: dict[str, tuple[tuple[str, str], ...]] = {
    POLITICS: (
        ("理论学习不够深入，思想认识不到位", "加强理论学习，提高思想认识"),
        ("政治站位不够高，大局意识不够强", "提高政治站位，增强大局意识"),
    ),
    EIGHT_RULES: (
        ("纪律规矩意识不强，廉洁自律有待加强", "增强纪律规矩意识，加强廉洁自律"),
        ("作风建设抓得不够紧，制度执行不够严格", "狠抓作风建设，严格执行各项制度"),
    ),
    SERVICE: (
        ("服务意识不强，工作作风不够扎实", "增强服务意识，转变工作作风"),
        ("服务群众的能力有待提高", "提高服务群众的能力"),
    ),
    IDLENESS: (
        ("担当意识不强，存在畏难情绪", "增强担当意识，克服畏难情绪"),
        ("工作主动性不够，存在等靠要思想", "增强工作主动性，克服等靠要思想"),
    ),
    OPENNESS: (
        ("村务公开不够规范，公开内容不够全面", "规范村务公开，做到应公开尽公开"),
        ("民主监督意识不强，公开不够及时", "增强民主监督意识，做到及时公开"),
    ),
    PROJECTS: (
        ("项目管理不够规范，监督管理不够到位", "规范项目管理，加强监督管理"),
        ("工程质量意识不强，把关不够严格", "增强质量意识，严格把关"),
    ),
    RED_TAPE: (
        ("为民服务意识不够强，办事效率不够高", "强化为民服务意识，提高办事效率"),
        ("群众办事还不够便利，服务方式有待改进", "改进服务方式，方便群众办事"),
    ),
}
SLOGAN_PROGRESS: tuple[str, str] = ("正在整改", "持续推进")  # while open; for 长期坚持
SLOGAN_DONE = "已整改"

# Notes added to the progress of items past their deadline, month by month.
STALL_NOTES: dict[str, str] = {
    "2022-04": "受协调难度影响，进度滞后",
    "2022-05": "因协调难度大，整改进度滞后，已专题研究推进措施",
    "2022-06": "已向镇作风整顿办说明滞后原因，正在加紧协调",
    "2022-07": "仍在协调推进中，争取8月底前完成",
    "2022-08": "主要负责同志已牵头专题调度，争取9月底前完成",
    "2022-09": "已列入镇党委重点督办事项，正在加紧推进",
    "2022-10": "经镇纪委督查问效，已制定倒排工期计划",
    "2022-11": "整改未能按期完成，已向镇纪委说明情况，继续推进",
}
# Notes added once an item's planned steps are used up and it is still open.
FOLLOW_UP_NOTES: dict[str, str] = {
    "2022-04": "4月份按计划持续推进",
    "2022-05": "5月份按计划持续推进",
    "2022-06": "6月份继续推进，完成总进度约七成",
    "2022-07": "7月份继续推进，完成总进度约九成",
    "2022-08": "8月份继续推进，剩余事项正在收尾",
    "2022-09": "9月份收尾工作基本完成，准备验收",
    "2022-10": "10月份已申请验收销号",
    "2022-11": "11月份巩固整改成果，防止问题反弹",
}
EXTENSION_REASONS: tuple[str, ...] = (
    "受汛期影响",
    "因需等待上级资金下达",
    "因涉及群众较多、协调时间较长",
)

MARCH_FILE_NAMES: tuple[str, ...] = (
    "附件2：问题清单（{name}）.xlsx",
    "{name}问题清单.xlsx",
    "{alias}问题清单(1).xlsx",
    "{name}干部作风整顿问题清单.xlsx",
    "附件2-{name}作风整顿问题清单.xlsx",
)
MONTHLY_FILE_NAMES: tuple[str, ...] = (
    "{name}{m}月整改进展.xlsx",
    "{name}.xlsx",
    "附件2：问题清单（{name}）{m}月.xlsx",
    "{name}{m}月问题整改台账(1).xlsx",
    "{alias}{m}月份作风整顿整改情况.xlsx",
)

# The story: who misses a month, who stalls, who adds a problem during the rectification.
MISSED: frozenset[tuple[str, str]] = frozenset({("HP", "2022-05"), ("NYZX", "2022-06")})
STUBBORN_UNITS: tuple[str, ...] = ("HX", "XY", "CJB")  # one item each stays overdue May-July
NEW_PROBLEM_MONTHS: dict[str, str] = {"HX": "2022-05", "SWB": "2022-06", "CG": "2022-04"}
STUBBORN_PREFERENCE: tuple[str, ...] = (PROJECTS, IDLENESS, RED_TAPE, OPENNESS)

DATE_FORMATS: tuple[str, ...] = ("yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "yyyy/m/d")
TEMPLATE_DATE_FORMAT = "yyyy-mm-dd"
COLUMN_WIDTHS: dict[str, int] = {
    "序号": 6,
    "问题编号": 11,
    "问题类别": 18,
    "具体问题": 40,
    "整改措施": 40,
    "责任领导": 16,
    "责任人": 14,
    "完成时限": 13,
    "整改进展": 36,
    "完成状态": 10,
    "完成日期": 13,
    "备注": 20,
}

Cell = str | int | dt.date | None


@dataclass
class _Plan:
    """One problem's story over the five months."""

    text: ProblemText
    words: Wording  # the unit's words for it
    leader: str
    person: str
    fate: str  # immediate | long_term | normal | late | stubborn | extended | new
    deadline: dt.date | None  # None: 长期坚持
    deadline_form: Cell  # how the unit wrote the deadline when it first listed the problem
    start: int  # month index from which it is 整改中 (未启动 before)
    completed: dt.date | None = None
    completed_form: Cell = None  # how the unit wrote the completion date the first time
    extension: tuple[int, dt.date, str] | None = None  # month index, new deadline, reason
    added: int = 0  # month index in which the unit first listed it
    pid: str = ""
    pending: int | None = None  # month index it was meant to be done in, past July (later_months)


@dataclass(frozen=True)
class _Style:
    """How one unit's own (March) file looks."""

    category_header: str = "问题类别"
    deadline_header: str = "完成时限"
    category_forms: dict[str, str] = field(default_factory=dict)
    status_words: dict[str, str] = field(default_factory=dict)
    merged_title: bool = False
    date_format: str = DATE_FORMATS[0]
    cumulative: bool = False  # progress text grows (steps joined) rather than replaced
    march_name: str = MARCH_FILE_NAMES[0]
    monthly_name: str = MONTHLY_FILE_NAMES[0]


# ---------------------------------------------------------------------------------------------
# Public API


def write_sample_campaign(root: Path, seed: int = 2022) -> list[SampleMonth]:
    """Write ``root/campaign.toml`` and ``root/samples/YYYY-MM/`` for March to November 2022."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "campaign.toml").write_text(campaign_toml(), encoding="utf-8")
    folders = [root / "samples" / month for month in MONTHS]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    styles = _styles(random.Random(seed))
    for unit in UNITS:
        receipts, plans = _unit_story(seed, unit)
        for i, received in enumerate(receipts):
            if received is None:
                continue
            path = folders[i] / _file_name(unit, i, styles[unit.code])
            _write_month(path, unit, i, plans, receipts, styles[unit.code])
            stamp = received.timestamp()  # naive local time, as a clerk's computer shows it
            os.utime(path, (stamp, stamp))
    make_messy(folders, styles)  # some files in the shapes real files come in (SPEC §3)
    returned = _add_returned_files(folders, styles)  # and some the office returns (SPEC §4)
    months = [
        SampleMonth(month=m, as_of=a, folder=f, returned=returned.get(m, ()))
        for m, a, f in zip(MONTHS, AS_OF, folders, strict=True)
    ]
    registers = write_registers(root)
    return [dataclasses.replace(m, register=registers.get(m.month)) for m in months + write_later_months(root, seed)]


# Units whose files the office returns, in order of preference; never those of the escalation story.
_RETURN_CANDIDATES: tuple[str, ...] = ("TJ", "GM", "DF", "CG", "XH", "SWB", "BMZX", "CZS")


def _add_returned_files(folders: list[Path], styles: dict[str, _Style]) -> dict[str, tuple[str, ...]]:
    """Spoil two units' updates so the office returns them (SPEC §4), corrected the next month.

    April: one unit's update with a category that is none of the seven, a deadline Excel turned
    into the number ``4.3``, and 已完成 without 完成日期. May: another unit leaves out a problem
    that is still open. Each file replaces the unit's good one (the unit is 退回 for that
    month); the next month's update, renamed ``…（修改后重报）``, is its corrected resubmission.
    Only units whose spoiled month adds no new problem are chosen, so the next file's ids stand.
    """
    returned: dict[str, tuple[str, ...]] = {}
    used: set[str] = set()
    for i, spoil in ((1, _spoil_cells), (2, _drop_open_problem)):
        for unit in (u for code in _RETURN_CANDIDATES for u in UNITS if u.code == code and code not in used):
            path = folders[i] / _file_name(unit, i, styles[unit.code])
            later = folders[i + 1] / _file_name(unit, i + 1, styles[unit.code])
            if not (path.exists() and later.exists()):
                continue
            stamp = path.stat().st_mtime
            wb = load_workbook(path)
            ws = wb[layout.SHEET]
            rows = [r for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 4).value]
            col = {name: layout.COLUMNS.index(name) + 1 for name in layout.COLUMNS}
            if len(rows) < 3 or any(not ws.cell(r, col["问题编号"]).value for r in rows):
                continue
            if not spoil(ws, rows, col):
                continue
            wb.save(path)
            os.utime(path, (stamp, stamp))
            resent = later.with_name(f"{later.stem}（修改后重报）{later.suffix}")
            os.replace(later, resent)  # a rename keeps the received time
            returned[MONTHS[i]] = (path.name,)
            used.add(unit.code)
            break
    return returned


def _spoil_cells(ws: Worksheet, rows: list[int], col: dict[str, int]) -> bool:
    ws.cell(rows[0], col["问题类别"], "作风建设问题")
    ws.cell(rows[1], col["完成时限"], 4.3).number_format = "General"
    ws.cell(rows[2], col["完成状态"], DONE)
    ws.cell(rows[2], col["完成日期"]).value = None
    return True


def _drop_open_problem(ws: Worksheet, rows: list[int], col: dict[str, int]) -> bool:
    open_rows = [r for r in rows if ws.cell(r, col["完成状态"]).value in (NOT_STARTED, IN_PROGRESS)]
    if not open_rows:
        return False
    ws.delete_rows(open_rows[0])
    return True


def campaign_toml() -> str:
    """The sample ``campaign.toml`` (SPEC §2)."""
    lines = [
        "# xx镇2022年干部作风整顿：活动设置和报送单位名单（示例）",
        "[campaign]",
        f"town = {_toml_str(TOWN)}",
        f"year = {YEAR}",
        f"office = {_toml_str(OFFICE)}",
        f"doc_prefix = {_toml_str('x作整办')}",
        f"problem_list_due = {PROBLEM_LIST_DUE.isoformat()}        # 问题清单报送截止",
        "rectification_start = 2022-04-01",
        "rectification_end = 2022-10-20",
        "summary_due = 2022-11-18",
        f"monthly_due_day = {MONTHLY_DUE_DAY}                # 每月整改进展报送截止日",
        "warning_days = 7                    # 黄灯：距完成时限不足7天",
        "escalate_after = 3                  # 督办3次仍未完成的移交镇纪委",
        "reply_workdays = 5                  # 督办通知单回复时限（工作日）",
    ]
    for unit in UNITS:
        aliases = ", ".join(_toml_str(a) for a in unit.aliases)
        lines += [
            "",
            "[[units]]",
            f"name = {_toml_str(unit.name)}",
            f"code = {_toml_str(unit.code)}",
            f"kind = {_toml_str(unit.kind)}",
            f"aliases = [{aliases}]",
        ]
    lines += ["", "# 三项专项治理的牵头部门（单位名单中的名称、简称或代码）", "[leads]"]
    lines += [f"{_toml_str(name)} = [{', '.join(_toml_str(u) for u in units)}]" for name, units in LEADS.items()]
    lines += [
        "",
        "# 村（社区）对镇属部门的办事效率评议",
        "[rating]",
        'period = "月度"                     # 每月评议（“季度”：3、6、9、12月评议）',
        f"threshold = {RATING_THRESHOLD}                     # 满意率低于80%的部门在通报中亮相揭丑",
    ]
    return "\n".join(lines) + "\n"


def problem_id(code: str, number: int) -> str:
    return f"{code}-{number:03d}"


# ---------------------------------------------------------------------------------------------
# The story


def _styles(rng: random.Random) -> dict[str, _Style]:
    """Each unit's way of writing its own file, with a few of every variant."""
    codes = [u.code for u in UNITS]
    short_header = set(rng.sample(codes, 3))
    merged = set(rng.sample(codes, 4))
    synonym_status = set(rng.sample(codes, 3))
    styles: dict[str, _Style] = {}
    for n, code in enumerate(codes):
        forms = rng.choice((dict.fromkeys(CATEGORIES, ""), NUMBERED_CATEGORIES, SHORT_CATEGORIES))
        styles[code] = _Style(
            category_header="类别" if code in short_header else "问题类别",
            deadline_header=rng.choice(("完成时限", "完成时限", "整改时限")),
            category_forms={c: forms[c] or c for c in CATEGORIES},
            status_words=STATUS_SYNONYMS if code in synonym_status else {},
            merged_title=code in merged,
            date_format=rng.choice(DATE_FORMATS),
            cumulative=rng.random() < 0.5,
            march_name=MARCH_FILE_NAMES[n % len(MARCH_FILE_NAMES)],
            monthly_name=MONTHLY_FILE_NAMES[(n * 2 + 1) % len(MONTHLY_FILE_NAMES)],
        )
    return styles


def _receipts(rng: random.Random, unit: SampleUnit) -> list[dt.datetime | None]:
    """When the office received the unit's file each month (None: nothing sent)."""
    receipts: list[dt.datetime | None] = []
    for i, month in enumerate(MONTHS):
        if (unit.code, month) in MISSED:
            receipts.append(None)
            continue
        mon = int(month[5:])
        late = rng.random() < 0.15
        if i == 0:
            day = rng.randint(21, 25) if late else rng.randint(9, 19)
        else:
            day = rng.randint(26, AS_OF[i].day - 1) if late else rng.randint(15, 24)
        minutes = rng.randint(8 * 60 + 30, 21 * 60 + 30)
        receipts.append(dt.datetime(YEAR, mon, day, minutes // 60, minutes % 60, rng.randint(0, 59)))
    return receipts


def _pool(unit: SampleUnit) -> list[ProblemText]:
    kind = "部门" if unit.kind == "部门" else "村"
    return [p for p in PROBLEMS if p.kinds in (kind, "全部") and (not p.units or unit.code in p.units)]


def _unit_story(seed: int, unit: SampleUnit) -> tuple[list[dt.datetime | None], list[_Plan]]:
    """When the office receives the unit's files (March to July) and its problems' stories.

    The same seed tells the same story; the copier's March list is the copied unit's."""
    rng = random.Random(f"{seed}:{unit.code}")
    receipts = _receipts(rng, unit)
    copied = None
    if unit.code == COPYING_UNIT:
        source = _unit(COPIED_UNIT)
        copied = [p for p in _unit_story(seed, source)[1] if p.added == 0]
    return receipts, _plan_unit(rng, unit, receipts, copied)


def _unit(code: str) -> SampleUnit:
    return next(u for u in UNITS if u.code == code)


def _plan_unit(
    rng: random.Random, unit: SampleUnit, receipts: list[dt.datetime | None], copied: list[_Plan] | None = None
) -> list[_Plan]:
    """The unit's problems: March rows in file order, then problems added later.

    ``copied``: another unit's March problems, which this unit lists as its own (after drawing
    its own choice, so its random stream stays as it was); the slogan unit writes each problem
    in slogans."""
    pool = _pool(unit)
    chosen: list[ProblemText] = []
    for category in unit.focus:
        chosen.append(rng.choice([p for p in pool if p.category == category]))
    count = min(rng.randint(5, 9), len(pool))
    rest = [p for p in pool if p not in chosen]
    rng.shuffle(rest)
    chosen += rest[: count - len(chosen)]
    chosen.sort(key=lambda p: CATEGORIES.index(p.category))  # files list by category
    spare = [p for p in pool if p not in chosen]
    if copied is not None:
        chosen = [p.text for p in copied]

    plans = [_plan(rng, unit, text, receipts, _fate(rng, text)) for text in chosen]
    if copied is not None:
        for plan, source in zip(plans, copied, strict=True):
            plan.words = _copy(source.words, _unit(COPIED_UNIT), unit)
    if unit.code in STUBBORN_UNITS:
        _make_stubborn(rng, plans)
    if unit.code in NEW_PROBLEM_MONTHS and spare:
        added = MONTHS.index(NEW_PROBLEM_MONTHS[unit.code])
        plans.append(_plan(rng, unit, rng.choice(spare), receipts, "new", added))
    if unit.code == SLOGAN_UNIT:
        used: dict[str, int] = {}
        for plan in plans:
            n = used[plan.text.category] = used.get(plan.text.category, -1) + 1
            problem, measure = SLOGANS[plan.text.category][n % len(SLOGANS[plan.text.category])]
            plan.words = Wording(problem, measure, SLOGAN_PROGRESS, SLOGAN_DONE, rote=True)
    for number, plan in enumerate(plans, start=1):
        plan.pid = problem_id(unit.code, number)
    return plans


def _copy(words: Wording, source: SampleUnit, unit: SampleUnit) -> Wording:
    """``words`` of ``source`` as ``unit`` copies them: its own name and alias put in, one number
    changed (``COPY_CHANGE``); the people named stay those of ``source``."""
    swaps = [(source.name, unit.name), *zip(source.aliases, unit.aliases, strict=False), COPY_CHANGE]

    def swap(text: str) -> str:
        for old, new in swaps:
            text = text.replace(old, new)
        return text

    return Wording(swap(words.problem), swap(words.measure), tuple(swap(s) for s in words.steps), swap(words.done))


def _fate(rng: random.Random, text: ProblemText) -> str:
    roll = rng.random()
    if text.long_term and roll < 0.5:
        return "long_term"
    if roll < 0.1:
        return "immediate"
    if roll < 0.25:
        return "late"
    if roll < 0.33:
        return "extended"
    return "normal"


def _plan(
    rng: random.Random,
    unit: SampleUnit,
    text: ProblemText,
    receipts: list[dt.datetime | None],
    fate: str,
    added: int = 0,
) -> _Plan:
    leader = unit.leaders[0] if rng.random() < 0.7 else unit.leaders[-1]
    person = rng.choice(unit.people)
    first = receipts[added]
    assert first is not None, "a unit adds problems only in months it reports"
    plan = _Plan(text, text.wording(unit.code), leader, person, fate, None, LONG_TERM, start=0, added=added)
    if fate == "long_term":
        plan.deadline_form = rng.choice((LONG_TERM, LONG_TERM, "长期", "常态化"))
        return plan
    if fate == "immediate":
        plan.deadline = first.date()
        plan.deadline_form = rng.choice(("立行立改", "即知即改"))
        _complete(rng, plan, receipts, added)
        return plan
    plan.start = added if fate == "new" or rng.random() < 0.6 else added + 1
    if fate == "late":  # mid-month deadline, done a month or two after it: red at one run
        month = rng.randint(1, 3)
        plan.deadline = dt.date(YEAR, 3 + month, rng.choice((10, 15, 20)))
        _complete(rng, plan, receipts, month + rng.randint(1, 2))
    elif fate == "extended":  # deadline at the end of June/July, extended that month
        month = rng.randint(3, 4)
        plan.deadline = AS_OF[month]
        new = rng.choice((dt.date(YEAR, 8, 31), dt.date(YEAR, 9, 30)))
        plan.extension = (month, new, rng.choice(EXTENSION_REASONS))
        if rng.random() < 0.4:  # done soon after the extension
            _complete(rng, plan, receipts, month + 1)
    else:  # normal or new: done by the deadline, or still under way in July
        month = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7)) if fate == "normal" else added + 2
        plan.deadline = _deadline_in(rng, month)
        _complete(rng, plan, receipts, rng.randint(max(added + 1, 1), month))
    plan.deadline_form = _deadline_form(rng, plan.deadline)
    return plan


def _make_stubborn(rng: random.Random, plans: list[_Plan]) -> None:
    """One item whose deadline passes in April/May and which is still open in July."""
    candidates = [p for p in plans if p.fate != "long_term"]
    candidates.sort(
        key=lambda p: (
            STUBBORN_PREFERENCE.index(p.text.category)
            if p.text.category in STUBBORN_PREFERENCE
            else len(STUBBORN_PREFERENCE)
        )
    )
    plan = candidates[0]
    plan.fate = "stubborn"
    plan.deadline = rng.choice((dt.date(YEAR, 4, 30), dt.date(YEAR, 5, 15), dt.date(YEAR, 5, 20)))
    plan.deadline_form = _deadline_form(rng, plan.deadline)
    plan.start = 0
    plan.completed = None
    plan.completed_form = None
    plan.extension = None


def _deadline_in(rng: random.Random, month_index: int) -> dt.date:
    """A deadline in month ``month_index`` (0 = March … 7 = October)."""
    mon = 3 + month_index
    last = calendar.monthrange(YEAR, mon)[1]
    if mon == 10:  # the rectification phase ends on 10-20
        return dt.date(YEAR, 10, rng.choice((15, 20)))
    return dt.date(YEAR, mon, rng.choice((last, last, last, 15, 20, 10)))


def _deadline_form(rng: random.Random, deadline: dt.date) -> Cell:
    """The deadline as a unit writes it: a date cell or one of the forms SPEC §3 lists."""
    y, m, d = deadline.year, deadline.month, deadline.day
    forms: list[Cell] = [deadline, deadline, f"{y}年{m}月{d}日", f"{y}/{m}/{d}", f"{y}.{m}.{d}"]
    if d == calendar.monthrange(y, m)[1]:
        forms += [f"{m}月底前", f"{m}月底前", f"{m}月底", f"{m}月末"]
    else:
        forms += [f"{m}月{d}日前", f"{m}月{d}日"]
    if (m, d) == (6, 30):
        forms.append("上半年")
    if m == 10 and rng.random() < 0.5:  # some write "by the end of the year" for autumn work
        return "年底前"
    return rng.choice(forms)


def _complete(rng: random.Random, plan: _Plan, receipts: list[dt.datetime | None], month_index: int) -> None:
    """Complete ``plan`` between the unit's file before month ``month_index`` and the next one.

    Past July (or when the unit sends nothing from then on) the item stays open.
    """
    later = [i for i in range(month_index, len(receipts)) if receipts[i] is not None]
    if not later:
        plan.pending = month_index
        return
    report = receipts[later[0]]
    assert report is not None
    earlier = [r for r in receipts[: later[0]] if r is not None]
    low = earlier[-1].date() + dt.timedelta(days=1) if earlier else dt.date(YEAR, 3, 1)
    high = report.date() - dt.timedelta(days=1)
    day = low + dt.timedelta(days=rng.randint(0, max((high - low).days, 0)))
    if plan.deadline and plan.fate != "late" and low <= plan.deadline < day:
        day = plan.deadline
    plan.completed = day
    plan.completed_form = rng.choice(
        (day, day, day, f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month}.{day.day}")
    )


# ---------------------------------------------------------------------------------------------
# One month's file


def _status(plan: _Plan, i: int, received: dt.date) -> str:
    if plan.completed is not None and plan.completed < received:
        return DONE
    if plan.deadline is None:
        return LONG_TERM
    return NOT_STARTED if i < plan.start else IN_PROGRESS


def _deadline(plan: _Plan, i: int) -> dt.date | None:
    if plan.extension and i >= plan.extension[0]:
        return plan.extension[1]
    return plan.deadline


def _progress(plan: _Plan, i: int, status: str, unit: SampleUnit, cumulative: bool) -> str:
    month = ALL_MONTHS[i]
    words = plan.words
    if status == DONE:
        return _fill(words.done, unit)
    if words.rote:  # the same words every month, whatever happened
        return words.steps[-1] if status == LONG_TERM else words.steps[0]
    if status == NOT_STARTED:
        return "已列入整改计划，拟于4月上旬启动" if i == 0 else "已制定整改方案，近期启动"
    steps = words.steps
    if status == LONG_TERM:
        return _fill(f"{int(month[5:])}月：{steps[i % len(steps)]}", unit)
    k = i - plan.start
    done = steps[: k + 1]
    text = "；".join(done) if cumulative else done[-1]
    if k >= len(steps):
        text += "；" + FOLLOW_UP_NOTES[month]
    deadline = _deadline(plan, i)
    if deadline is not None and deadline < ALL_AS_OF[i] and i > 0:
        text += "。" + STALL_NOTES[month]
    return _fill(text, unit)


def _fill(text: str, unit: SampleUnit) -> str:
    community = unit.kind == "社区"
    filled = text.format(
        cun="社区" if community else "村",
        cunwu="居务" if community else "村务",
        cunmin="居民" if community else "村民",
    )
    return filled.replace("社区级", "社区")  # 村级 reads 社区 for a community


def _row(
    plan: _Plan, i: int, received: dt.date, previous: dt.date | None, unit: SampleUnit, style: _Style
) -> dict[str, Cell]:
    """One problem's row in month ``i``; March rows and new rows as the unit writes them.

    ``previous`` is when the unit's last file before this one was received.
    """
    own = i == plan.added  # the unit's own words (first listing) vs the pipeline's template
    status = _status(plan, i, received)
    completed: Cell = None
    if status == DONE:
        done_before = previous is not None and _status(plan, i - 1, previous) == DONE
        completed = plan.completed if done_before else plan.completed_form
    deadline: Cell
    note = ""
    if own:
        deadline = plan.deadline_form
    elif plan.deadline is None:
        deadline = LONG_TERM
    else:
        deadline = _deadline(plan, i)
    if plan.extension and i >= plan.extension[0]:
        month, new, reason = plan.extension
        note = f"{reason}，申请延期至{new.month}月{new.day}日，已报镇作风整顿办同意"
        if i == month:
            deadline = f"{new.year}年{new.month}月{new.day}日"
    elif plan.fate == "immediate":
        note = "立行立改"
    elif plan.fate == "new" and own:
        note = "边查摆边整改，新增问题"
    category = style.category_forms[plan.text.category] if i == 0 else plan.text.category
    status_word = style.status_words.get(status, status) if i == 0 else status
    return {
        "问题编号": "" if own else plan.pid,
        "问题类别": category,
        "具体问题": _fill(plan.words.problem, unit),
        "整改措施": _fill(plan.words.measure, unit),
        "责任领导": plan.leader,
        "责任人": plan.person,
        "完成时限": deadline,
        "整改进展": _progress(plan, i, status, unit, style.cumulative),
        "完成状态": status_word,
        "完成日期": completed,
        "备注": note,
    }


def _write_month(
    path: Path,
    unit: SampleUnit,
    i: int,
    plans: list[_Plan],
    receipts: list[dt.datetime | None],
    style: _Style,
) -> None:
    received = receipts[i]
    assert received is not None
    earlier = [r.date() for r in receipts[:i] if r is not None]
    previous = earlier[-1] if earlier else None
    template = i > 0  # from April the units fill in the pipeline's own template
    listed = [p for p in plans if p.added <= i]
    listed.sort(key=lambda p: (p.added == i, p.added, p.pid))  # registered first, new last
    rows = [_row(p, i, received.date(), previous, unit, style) for p in listed]
    headers = list(layout.COLUMNS)
    if not template:
        headers[headers.index("问题类别")] = style.category_header
        headers[headers.index("完成时限")] = style.deadline_header
    filled_on = f"{received.year}年{received.month}月{received.day}日"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.SHEET
    ws.cell(1, 1, "附件2").font = Font(name="黑体", size=12)
    title = ws.cell(layout.TITLE_ROW, 1, layout.title(TOWN))
    title.font = Font(name="方正小标宋简体", size=18)
    if template or style.merged_title:
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(
            start_row=layout.TITLE_ROW,
            start_column=1,
            end_row=layout.TITLE_ROW,
            end_column=len(headers),
        )
    ws.cell(layout.HEADER_BLOCK_ROW, 1, layout.header_block(unit.name, unit.filler, filled_on))
    for col, name in enumerate(headers, start=1):
        cell = ws.cell(layout.HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = COLUMN_WIDTHS[layout.COLUMNS[col - 1]]
    date_format = TEMPLATE_DATE_FORMAT if template else style.date_format
    for r, row in enumerate(rows, start=layout.FIRST_DATA_ROW):
        values: dict[str, Cell] = {"序号": r - layout.FIRST_DATA_ROW + 1, **row}
        for col, name in enumerate(layout.COLUMNS, start=1):
            cell = ws.cell(r, col, values[name] if values[name] != "" else None)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(values[name], dt.date):
                cell.number_format = date_format
    matters = _matter_rows(unit, i, received)
    if matters:
        _add_matter_sheet(wb, unit, matters, date_format)
    if unit.kind != DEPARTMENT_KIND and (unit.code, ALL_MONTHS[i]) not in RATING_SKIPPED:
        _add_rating_sheet(wb, unit, i)
    if template:
        _add_marker(wb, unit.code, ALL_MONTHS[i])
    wb.save(path)


def _add_marker(wb: Workbook, code: str, month: str) -> None:
    marker = wb.create_sheet(layout.MARKER_SHEET)
    marker["A1"], marker["B1"] = layout.MARKER_TAG, code
    marker["A2"], marker["B2"] = "月份", month
    marker["A3"], marker["B3"] = "活动", CAMPAIGN_TAG
    marker.sheet_state = "hidden"


def _file_name(unit: SampleUnit, i: int, style: _Style) -> str:
    pattern = style.march_name if i == 0 else style.monthly_name
    alias = unit.aliases[0] if unit.aliases else unit.name
    return pattern.format(name=unit.name, alias=alias, m=int(ALL_MONTHS[i][5:]))


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Messy variants (SPEC §3 "Real files are messy"): the same content in the shapes real files
# come in. Written deterministically over some March and April files, so `make demo` reads
# .xls, .ods, WPS files, two-row headers, merged categories, footers, instructions sheets, lock
# files, full-width spaces and line breaks, and still accepts every one of them.


@dataclass
class Grid:
    """One sheet as a grid of values (``cells[0]`` is Excel row 1) with merged ranges
    ``(first row, first column, last row, last column)``, 0-based and inclusive."""

    name: str
    cells: list[list[object]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False


def read_grids(path: Path) -> list[Grid]:
    """The sheets of an .xlsx this module wrote, as grids."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    grids = []
    for ws in wb.worksheets:
        cells = [list(row) for row in ws.iter_rows(values_only=True)]
        merges = [(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1) for r in ws.merged_cells.ranges]
        grids.append(Grid(ws.title, cells, merges, ws.sheet_state != "visible"))
    return grids


def _covered(grid: Grid) -> dict[tuple[int, int], tuple[int, int, int, int] | None]:
    """Cells inside a merged range: the range for its top-left cell, None for the others."""
    out: dict[tuple[int, int], tuple[int, int, int, int] | None] = {}
    for m in grid.merges:
        for r in range(m[0], m[2] + 1):
            for c in range(m[1], m[3] + 1):
                out[(r, c)] = m if (r, c) == (m[0], m[1]) else None
    return out


def write_grids_xlsx(path: Path, grids: list[Grid]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for grid in grids:
        ws = wb.create_sheet(grid.name)
        for r, row in enumerate(grid.cells, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    cell = ws.cell(r, c, value)
                    if isinstance(value, dt.date):
                        cell.number_format = TEMPLATE_DATE_FORMAT
        for r0, c0, r1, c1 in grid.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        ws.sheet_state = "hidden" if grid.hidden else "visible"
    wb.save(path)
    return path


def write_grids_xls(path: Path, grids: list[Grid]) -> Path:
    """A real BIFF8 .xls through xlwt (the writer old Excel-compatible tools use)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    plain = xlwt.easyxf("")
    for grid in grids:
        sheet = book.add_sheet(grid.name, cell_overwrite_ok=True)
        covered = _covered(grid)
        for r, row in enumerate(grid.cells):
            for c, value in enumerate(row):
                if (r, c) in covered or value is None or value == "":
                    continue
                sheet.write(r, c, value, date_style if isinstance(value, dt.date) else plain)
        for r0, c0, r1, c1 in grid.merges:
            value = grid.cells[r0][c0] if c0 < len(grid.cells[r0]) else None
            style = date_style if isinstance(value, dt.date) else plain
            sheet.write_merge(r0, r1, c0, c1, "" if value is None else value, style)
        if grid.hidden:
            sheet.visibility = 1
    book.save(str(path))
    return path


def write_grids_ods(path: Path, grids: list[Grid]) -> Path:
    """An OpenDocument spreadsheet through odfpy, merged ranges as spans over covered cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hiddentable", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hidden_style)
    for grid in grids:
        table = Table(name=grid.name, stylename=hidden_style) if grid.hidden else Table(name=grid.name)
        covered = _covered(grid)
        for r, row in enumerate(grid.cells):
            tr = TableRow()
            for c, value in enumerate(row):
                if (r, c) in covered and covered[(r, c)] is None:
                    tr.addElement(CoveredTableCell())
                    continue
                span: dict[str, int] = {}
                if m := covered.get((r, c)):
                    span = {"numberrowsspanned": m[2] - m[0] + 1, "numbercolumnsspanned": m[3] - m[1] + 1}
                tr.addElement(_ods_cell(TableCell, P, value, span))
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _ods_cell(table_cell: type, paragraph: type, value: object, span: dict[str, int]) -> object:
    if value is None or value == "":
        return table_cell(**span)
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        cell = table_cell(valuetype="date", datevalue=day.isoformat(), **span)
        cell.addElement(paragraph(text=day.isoformat()))
        return cell
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = table_cell(valuetype="float", value=value, **span)
        cell.addElement(paragraph(text=str(value)))
        return cell
    cell = table_cell(valuetype="string", **span)
    for line in str(value).split("\n"):
        cell.addElement(paragraph(text=line))
    return cell


def wps_bytes(xlsx: bytes) -> bytes:
    """An .xlsx as WPS 表格 saves it: WPS application properties (KSOProductBuildVer), absolute
    part paths in the workbook relationships, and every shared string written as rich-text runs."""
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer">'
        "<vt:lpwstr>2052-11.1.0.11664</vt:lpwstr></property></Properties>"
    )
    runs = '<si><r><rPr><sz val="11"/><color rgb="FF000000"/><rFont val="宋体"/><charset val="134"/></rPr><t\\1>\\2</t></r></si>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>.*?</Application>", "<Application>WPS 表格</Application>".encode(), data)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = re.sub(rb'Target="/?(?:xl/)?', b'Target="/xl/', data)
            elif info.filename == "xl/sharedStrings.xml":
                data = re.sub(r"<si><t([^>]*)>(.*?)</t></si>", runs, data.decode("utf-8"), flags=re.S).encode()
            elif info.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdKso" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            dst.writestr(info.filename, data)
        dst.writestr("docProps/custom.xml", custom)
    return out.getvalue()


def _table(grids: list[Grid]) -> Grid:
    return next(g for g in grids if g.name == layout.SHEET)


def _header_index(grid: Grid) -> int:
    return next(i for i, row in enumerate(grid.cells) if row and row[0] == "序号")


def _label_col(grid: Grid, *labels: str) -> int:
    """The column of a header label, in the header row or the row below (a two-row header)."""
    h = _header_index(grid)
    return next(c for row in grid.cells[h : h + 2] for c, v in enumerate(row) if v in labels)


def _add_footer(grids: list[Grid]) -> None:
    grid = _table(grids)
    last = max(i for i, row in enumerate(grid.cells) if any(v not in (None, "") for v in row))
    count = last - _header_index(grid)
    width = len(grid.cells[_header_index(grid)])
    grid.cells[last + 1 :] = []
    grid.cells.append([None] * width)
    grid.cells.append(["合计", f"共 {count} 项问题", *[None] * (width - 2)])
    grid.cells.append(["注：本表由各单位如实填写，问题类别按七类填写。", *[None] * (width - 1)])
    grid.merges.append((len(grid.cells) - 1, 0, len(grid.cells) - 1, width - 1))
    grid.cells.append(["审核人：", None, None, "填表人：", *[None] * (width - 4)])


def _merge_categories(grids: list[Grid]) -> None:
    """问题类别 merged down over consecutive rows of the same category."""
    grid = _table(grids)
    col = _label_col(grid, "问题类别", "类别")
    r = _header_index(grid) + 1
    while r < len(grid.cells):
        end = r
        while end + 1 < len(grid.cells) and grid.cells[end + 1][col] == grid.cells[r][col] not in (None, ""):
            end += 1
        if end > r:
            for k in range(r + 1, end + 1):
                grid.cells[k][col] = None
            grid.merges.append((r, col, end, col))
        r = end + 1


def _two_row_header(grids: list[Grid]) -> None:
    """责任主体 over 责任领导/责任人 and 完成情况 over 完成状态/完成日期; the rest merged down."""
    grid = _table(grids)
    h = _header_index(grid)
    labels = list(grid.cells[h])
    groups = {"责任领导": "责任主体", "责任人": "责任主体", "完成状态": "完成情况", "完成日期": "完成情况"}
    top = [groups.get(str(v), v) for v in labels]
    sub = [v if str(v) in groups else None for v in labels]
    grid.cells[h : h + 1] = [top, sub]
    grid.merges = [(r0 + (r0 > h), c0, r1 + (r1 > h), c1) for r0, c0, r1, c1 in grid.merges]
    c = 0
    while c < len(labels):
        if str(labels[c]) in groups:
            end = c
            while end + 1 < len(labels) and groups.get(str(labels[end + 1])) == groups[str(labels[c])]:
                end += 1
            grid.merges.append((h, c, h, end))
            for k in range(c + 1, end + 1):
                top[k] = None
            c = end + 1
        else:
            grid.merges.append((h, c, h + 1, c))
            c += 1


def _full_width(grids: list[Grid]) -> None:
    """Line breaks and full-width spaces in header cells and in the coded status values."""
    grid = _table(grids)
    h = max(i for i in range(_header_index(grid), _header_index(grid) + 2) if i < len(grid.cells))
    rename = {
        "具体问题": "具体\u3000问题",
        "整改措施": "整改\n措施",
        "完成时限": "完成\n时限",
        "整改时限": "整改\n时限",
    }
    for row in grid.cells[_header_index(grid) : h + 1]:
        for c, v in enumerate(row):
            if v in rename:
                row[c] = rename[str(v)]
    col = _label_col(grid, "完成状态", "状态")
    for row in grid.cells[h + 1 :]:
        if row[col] in ("整改中", "未启动", "已完成"):
            row[col] = f"{str(row[col])[:2]}\u3000{str(row[col])[2:]}"


def _instructions_first(grids: list[Grid]) -> None:
    lines = ["填表说明", "1. 问题类别按方案列明的七类填写。", "2. 完成时限写到具体日期，长期坚持的写“长期坚持”。"]
    grids.insert(0, Grid("填表说明", [[line] for line in lines]))


def _extra_column(grids: list[Grid]) -> None:
    grid = _table(grids)
    h = _header_index(grid)
    for r, row in enumerate(grid.cells):
        row.append("联系电话" if r == h else ("0531-8888" + str(r % 10) if r > h and row[3] else None))


def _numbered_ids(grids: list[Grid]) -> None:
    """The template's 问题编号 headed plainly ``编号`` (ids like HX-001 beneath)."""
    grid = _table(grids)
    grid.cells[_header_index(grid)][_label_col(grid, "问题编号")] = "编号"


# month index -> unit index -> (what is done to the file, written as)
MESSY: dict[int, dict[int, tuple[tuple[str, ...], str]]] = {
    0: {
        0: (("footer",), "xls"),
        1: (("merge", "footer"), "ods"),
        2: (("instructions",), "wps"),
        3: (("two_rows", "full_width", "extra"), "xlsx"),
        4: ((), "lock"),
        5: (("merge",), "xlsx"),
    },
    1: {
        6: (("footer",), "xls"),
        7: (("full_width", "merge"), "ods"),
        8: (("numbered", "two_rows"), "xlsx"),
        9: (("footer", "instructions"), "wps"),
    },
}
_TRANSFORMS = {
    "footer": _add_footer,
    "merge": _merge_categories,
    "two_rows": _two_row_header,
    "full_width": _full_width,
    "instructions": _instructions_first,
    "extra": _extra_column,
    "numbered": _numbered_ids,
}


def make_messy(folders: list[Path], styles: dict[str, _Style]) -> list[Path]:
    """Rewrite some March and April files in the messy shapes of ``MESSY``; returns the new files.

    Received times (mtimes) are kept; a lock file ``~$…`` is left beside its workbook."""
    written: list[Path] = []
    for month, plan in MESSY.items():
        for index, (steps, form) in plan.items():
            unit = UNITS[index]
            path = folders[month] / _file_name(unit, month, styles[unit.code])
            if not path.exists():
                continue
            stat = path.stat()
            target = path
            if form == "lock":
                target = path.with_name("~$" + path.name)
                owner = "zhangsan".encode("utf-16-le")
                target.write_bytes((bytes([len("zhangsan")]) + owner).ljust(165, b"\x00"))
            else:
                grids = read_grids(path)
                for step in steps:
                    _TRANSFORMS[step](grids)
                if form == "xls":
                    target = write_grids_xls(path.with_suffix(".xls"), grids)
                elif form == "ods":
                    target = write_grids_ods(path.with_suffix(".ods"), grids)
                else:
                    write_grids_xlsx(path, grids)
                    if form == "wps":
                        path.write_bytes(wps_bytes(path.read_bytes()))
                if target != path:
                    path.unlink()
            os.utime(target, (stat.st_atime, stat.st_mtime))
            written.append(target)
    return written


# ---------------------------------------------------------------------------------------------
# August to November: the rest of 整改落实, the final update and the work summaries (巩固提升)

SUMMARY_DUE = dt.date(YEAR, 11, 18)
LATER_MISSED: frozenset[tuple[str, str]] = frozenset({("TJ", "2022-09")})
# The items overdue since May: month index in which each is finally done (None: still open).
STUBBORN_ENDINGS: dict[str, int | None] = {"HX": 5, "XY": 7, "CJB": None}
SUMMARY_LATE: dict[str, dt.datetime] = {
    "GM": dt.datetime(YEAR, 11, 22, 10, 5, 12),
    "CZS": dt.datetime(YEAR, 11, 24, 16, 40, 3),
}
SUMMARY_MISSING: frozenset[str] = frozenset({"HP"})
SUMMARY_FILE_NAMES: tuple[str, ...] = (
    "{name}干部作风整顿工作总结.docx",
    "{alias}2022年作风整顿工作总结.docx",
    "关于{name}干部作风整顿工作的总结.docx",
)


def write_later_months(root: Path, seed: int = 2022) -> list[SampleMonth]:
    """The files of August to November: the March-July story carried on to its end.

    Each unit's plan is made again from the same seed (so it is the plan the earlier months
    wrote); a second random stream decides the later receipts and when the items still open in
    July are done. November adds each unit's 工作总结 (a Word file), a few late, one missing.
    """
    first = len(MONTHS)
    folders = [root / "samples" / month for month in LATER_MONTHS]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    styles = _styles(random.Random(seed))
    for n, unit in enumerate(UNITS):
        receipts, plans = _unit_story(seed, unit)
        later_rng = random.Random(f"{seed}:{unit.code}:later")
        receipts += _later_receipts(later_rng, unit)
        _finish_later(later_rng, unit, plans, receipts)
        for i in range(first, len(ALL_MONTHS)):
            received = receipts[i]
            if received is None:
                continue
            path = folders[i - first] / _file_name(unit, i, styles[unit.code])
            _write_month(path, unit, i, plans, receipts, styles[unit.code])
            _stamp(path, received)
        if unit.code not in SUMMARY_MISSING:
            when = SUMMARY_LATE.get(unit.code) or _summary_received(later_rng)
            alias = unit.aliases[0] if unit.aliases else unit.name
            name = SUMMARY_FILE_NAMES[n % len(SUMMARY_FILE_NAMES)].format(name=unit.name, alias=alias)
            path = folders[-1] / name
            _write_work_summary(path, unit, plans, when)
            _stamp(path, when)
    as_of = ALL_AS_OF[first:]
    return [SampleMonth(month=m, as_of=a, folder=f) for m, a, f in zip(LATER_MONTHS, as_of, folders, strict=True)]


def _stamp(path: Path, when: dt.datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def _later_receipts(rng: random.Random, unit: SampleUnit) -> list[dt.datetime | None]:
    receipts: list[dt.datetime | None] = []
    for i, month in enumerate(LATER_MONTHS, start=len(MONTHS)):
        late = rng.random() < 0.12
        day = rng.randint(26, ALL_AS_OF[i].day - 1) if late else rng.randint(12, 24)
        minutes = rng.randint(8 * 60 + 30, 21 * 60 + 30)
        if (unit.code, month) in LATER_MISSED:
            receipts.append(None)
            continue
        receipts.append(dt.datetime(YEAR, int(month[5:]), day, minutes // 60, minutes % 60, rng.randint(0, 59)))
    return receipts


def _finish_later(rng: random.Random, unit: SampleUnit, plans: list[_Plan], receipts: list[dt.datetime | None]) -> None:
    """Complete the items still open in July: most on time, some a month late, one never."""
    for plan in plans:
        if plan.completed is not None or plan.deadline is None:
            continue
        if plan.fate == "stubborn":
            end = STUBBORN_ENDINGS.get(unit.code)
            if end is not None:
                _complete(rng, plan, receipts, end)
        elif plan.pending is not None:
            _complete(rng, plan, receipts, plan.pending)
        elif plan.extension is not None:
            due = ALL_MONTHS.index(f"{plan.extension[1]:%Y-%m}")
            _complete(rng, plan, receipts, due + (1 if rng.random() < 0.3 else 0))
        else:
            _complete(rng, plan, receipts, len(MONTHS))


def _summary_received(rng: random.Random) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 18 * 60)
    return dt.datetime(YEAR, 11, rng.randint(8, SUMMARY_DUE.day), minutes // 60, minutes % 60, rng.randint(0, 59))


def _write_work_summary(path: Path, unit: SampleUnit, plans: list[_Plan], when: dt.datetime) -> None:
    """A unit's 工作总结 as a short Word document (the office only files and counts it)."""
    from docx import Document

    done = sum(1 for p in plans if p.completed is not None and p.completed < when.date())
    doc = Document()
    doc.add_heading(f"{unit.name}{YEAR}年干部作风整顿工作总结", level=1)
    doc.add_paragraph(
        f"按照镇党委关于开展干部作风整顿的统一部署，{unit.name}围绕“四个聚焦”认真查摆问题，"
        f"共查摆问题{len(plans)}个，已完成整改{done}个，其余问题正在持续推进或长期坚持。"
    )
    doc.add_paragraph("下一步，我们将巩固整改成果，建立长效机制，防止问题反弹。")
    doc.add_paragraph(f"{unit.name}\n{when.year}年{when.month}月{when.day}日")
    doc.core_properties.author = unit.filler
    doc.save(str(path))


# ---------------------------------------------------------------------------------------------
# 办事效率评议 (issue #19; seed 五（三）): each village and community rates the town's departments in
# every monthly file. The story is fixed (no random stream): the 便民服务中心 improves (its 不满意
# fall from four in March to none by October), the 农业服务中心 does not (about half its raters
# unsatisfied every month, under the threshold all year); 和平村 sends its July file without the
# rating sheet (未返回评议 once).

DEPARTMENT_KIND = "部门"
RATING_THRESHOLD = 80
RATING_SKIPPED: frozenset[tuple[str, str]] = frozenset({("HP", "2022-07")})
# department code -> the number of 不满意 ratings in each month of ALL_MONTHS (March to November)
RATING_UNSATISFIED: dict[str, tuple[int, ...]] = {
    "CZS": (0, 1, 0, 0, 1, 0, 0, 0, 0),
    "SWB": (1, 0, 0, 1, 0, 0, 0, 1, 0),
    "CJB": (1, 1, 1, 1, 0, 1, 0, 0, 0),
    "BMZX": (4, 4, 3, 2, 2, 1, 1, 0, 0),
    "NYZX": (3, 3, 4, 2, 3, 3, 2, 3, 3),
}
# department code -> (the matter a village dealt with it about, its 不满意 reasons and case in turn)
RATING_STORY: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "CZS": ("村级运转经费拨付", (("来回跑", "报账材料要求前后不一，往返三次才办结"),)),
    "SWB": ("低保、临时救助申请", (("事难办", "临时救助申请半月未答复，也未说明原因"),)),
    "CJB": (
        "农房建设审批",
        (("人难找", "农房审批经办人多次不在岗，电话无人接听"), ("事难办", "审批材料一次未告知齐全")),
    ),
    "BMZX": (
        "社保认证、证明开具",
        (
            ("事难办、来回跑", "办理社保认证要求群众本人到场，老人往返两次"),
            ("人难找", "窗口午间无人值守，群众等候一个多小时"),
            ("来回跑", "证明材料未一次告知，往返三次"),
        ),
    ),
    "NYZX": (
        "农业补贴申报、技术指导",
        (
            ("人难找", "申报期间多次到中心找不到负责同志"),
            ("门难进、事难办", "反映病虫害防治需求，答复“等通知”后无下文"),
            ("事难办", "补贴申报表格反复修改，拖了一个多月"),
        ),
    ),
}


def _rating_rows(unit: SampleUnit, i: int) -> list[tuple[str, str, str, str, str]]:
    """``unit``'s rating in month ``i`` of every department: (被评议部门, 评议等次, 办理事项, 不满意原因,
    具体情况). Per department, the raters with no dealings with it that month are fixed by their
    place; of the others, the first ones in a rotating order are 不满意, as many as the story says."""
    raters = [u for u in UNITS if u.kind != DEPARTMENT_KIND]
    k = raters.index(unit)
    rows = []
    departments = [u for u in UNITS if u.kind == DEPARTMENT_KIND]
    for d, dept in enumerate(departments):
        matter, cases = RATING_STORY[dept.code]
        idle = [r for r in range(len(raters)) if (r + i + d) % 5 == 4]
        if k in idle:
            rows.append((dept.name, "未办理事项", "", "", ""))
            continue
        dealing = [r for r in range(len(raters)) if r not in idle]
        order = dealing[i % len(dealing) :] + dealing[: i % len(dealing)]
        place = order.index(k)
        if place < RATING_UNSATISFIED[dept.code][i]:
            reasons, case = cases[(i + place) % len(cases)]
            rows.append((dept.name, "不满意", matter, reasons, case))
        else:
            rows.append((dept.name, "基本满意" if (k + i) % 3 == 0 else "满意", matter, "", ""))
    return rows


def _add_rating_sheet(wb: Workbook, unit: SampleUnit, i: int) -> None:
    """The 办事效率评议 sheet of a village's or community's file, as its template lays it out."""
    ws = wb.create_sheet(RATING_SHEET)
    month = int(ALL_MONTHS[i][5:])
    title = f"{TOWN}村（社区）对镇属部门办事效率评议表（{YEAR}年{month}月）"
    ws.cell(layout.TITLE_ROW, 1, title).font = Font(name="方正小标宋简体", size=16)
    ws.cell(layout.HEADER_BLOCK_ROW, 1, layout.header_block(unit.name))
    for col, name in enumerate(RATING_COLUMNS, start=1):
        cell = ws.cell(layout.HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = RATING_WIDTHS[name]
    for r, row in enumerate(_rating_rows(unit, i), start=layout.FIRST_DATA_ROW):
        values = (r - layout.FIRST_DATA_ROW + 1, *row)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(r, col, value if value != "" else None)
            cell.alignment = Alignment(vertical="center", wrap_text=True)


RATING_SHEET = "办事效率评议"
RATING_COLUMNS: tuple[str, ...] = ("序号", "被评议部门", "评议等次", "办理事项", "不满意原因", "具体情况")
RATING_WIDTHS: dict[str, int] = {
    "序号": 6,
    "被评议部门": 22,
    "评议等次": 12,
    "办理事项": 24,
    "不满意原因": 16,
    "具体情况": 40,
}


# ---------------------------------------------------------------------------------------------
# The second ledger: the main leaders' instructions and the matters the office assigns
# (seed 三（一）3–4: 镇作风整顿办每月将主要领导批示、交办事项梳理汇总…经多次督办仍未落实的，会同镇纪委督查问效).
# No randomness: the story is fixed, so the problem story above is untouched.


@dataclass(frozen=True)
class SampleMatter:
    mid: str
    assigned: dt.date
    leader: str
    content: str
    units: tuple[str, ...]  # unit codes
    deadline: Cell  # as the office writes it
    due: dt.date  # the deadline it means
    done: dict[str, dt.date]  # unit code -> the day it finished (absent: still open in November)
    steps: tuple[str, ...]  # progress notes, month by month
    first_written: str = ""  # 承办单位 as first (wrongly) written in the office's list
    fixed_in: str = ""  # the month from which the office's list names the units correctly


MATTERS: tuple[SampleMatter, ...] = (
    SampleMatter(
        "JB2022-01",
        dt.date(YEAR, 4, 6),
        "镇党委书记 王志刚",
        "落实村级便民服务代办点事项全进驻，群众常办的社保、民政、农业补贴事项一律进驻村级代办点",
        ("HX", "XY", "XH"),
        "5月底前",
        dt.date(YEAR, 5, 31),
        {"HX": dt.date(YEAR, 5, 12), "XH": dt.date(YEAR, 5, 27), "XY": dt.date(YEAR, 6, 14)},
        ("已梳理可进驻事项清单", "代办员已完成业务培训", "事项进驻公示牌已制作上墙", "剩余事项正在对接镇便民服务中心"),
    ),
    SampleMatter(
        "JB2022-02",
        dt.date(YEAR, 4, 12),
        "镇长 刘建平",
        "对2021年以来惠民惠农财政补贴资金去向开展专项监督检查，发现问题立查立改",
        ("CZS",),
        dt.date(YEAR, 6, 30),
        dt.date(YEAR, 6, 30),
        {"CZS": dt.date(YEAR, 6, 22)},
        ("已制定检查方案，抽调人员组成检查组", "已抽查6个村的资金发放台账", "发现的问题已反馈相关村整改"),
    ),
    SampleMatter(
        "JB2022-03",
        dt.date(YEAR, 5, 9),
        "镇党委书记 王志刚",
        "化解3件重复信访积案，逐案明确包案领导，做到案结事了",
        ("SWB",),
        dt.date(YEAR, 6, 15),
        dt.date(YEAR, 6, 15),
        {"SWB": dt.date(YEAR, 9, 6)},
        (
            "已逐案明确包案领导和化解方案",
            "已化解1件，其余2件正在协调",
            "第2件已达成初步协议，第3件当事人诉求仍有分歧",
            "第3件已提请镇纪委协助督办",
            "第3件正在履行协议",
        ),
    ),
    SampleMatter(
        "JB2022-04",
        dt.date(YEAR, 6, 8),
        "镇纪委书记 孙丽",
        "对2021年以来村级工程项目招投标和结算情况开展自查，建立问题清单",
        ("CJB",),
        dt.date(YEAR, 7, 31),
        dt.date(YEAR, 7, 31),
        {"CJB": dt.date(YEAR, 8, 9)},
        ("已调取项目档案", "已完成12个项目的自查", "自查报告正在征求意见"),
    ),
    SampleMatter(
        "JB2022-05",
        dt.date(YEAR, 6, 20),
        "镇长 刘建平",
        "开展城区背街小巷环境卫生集中整治，建立常态化保洁机制",
        ("DF", "CG"),
        dt.date(YEAR, 9, 30),
        dt.date(YEAR, 9, 30),
        {"DF": dt.date(YEAR, 9, 16), "CG": dt.date(YEAR, 9, 21)},
        ("已排查背街小巷问题点位", "已组织集中清理两轮", "保洁责任已落实到网格", "常态化保洁机制已建立"),
        first_written="东风社区、城关居委会、镇文化站",
        fixed_in="2022-07",
    ),
)
REGISTER_DIR = "交办事项"  # under samples/: the office's list as it stood each month


def _matter_listed(matter: SampleMatter, month: str) -> bool:
    """Whether the office's list of ``month`` names the matter's units correctly (so it is registered)."""
    return matter.assigned.strftime("%Y-%m") <= month and (not matter.fixed_in or month >= matter.fixed_in)


def _matter_rows(unit: SampleUnit, i: int, received: dt.datetime) -> list[dict[str, Cell]]:
    """The unit's 交办事项 sheet in month ``i``: every matter assigned to it by the day it sent the
    file (and registered by the office that month), finished ones included."""
    rows: list[dict[str, Cell]] = []
    day = received.date()
    for matter in MATTERS:
        if unit.code not in matter.units or matter.assigned > day or not _matter_listed(matter, ALL_MONTHS[i]):
            continue
        done = matter.done.get(unit.code)
        months_in = i - ALL_MONTHS.index(matter.assigned.strftime("%Y-%m"))
        if done is not None and done < day:
            status, progress, done_on = (
                "已办结",
                f"已于{done.month}月{done.day}日办结，办理情况已书面报告交办领导",
                done,
            )
        elif (day - matter.assigned).days < 5:
            status, progress, done_on = "未启动", "已收到交办通知，正在研究落实", None
        else:
            status, progress, done_on = "办理中", matter.steps[min(months_in, len(matter.steps) - 1)], None
            if day > matter.due:
                progress += f"（已超过办理时限，{received.month}月内加快办理）"
        rows.append(
            {
                "编号": matter.mid,
                "事项内容": matter.content,
                "办理时限": matter.due,
                "办理进展": progress,
                "办理状态": status,
                "办结日期": done_on,
            }
        )
    return rows


MATTER_COLUMNS: tuple[str, ...] = ("编号", "事项内容", "办理时限", "办理进展", "办理状态", "办结日期")
MATTER_WIDTHS: dict[str, int] = {
    "编号": 12,
    "事项内容": 44,
    "办理时限": 13,
    "办理进展": 40,
    "办理状态": 10,
    "办结日期": 13,
}


def _add_matter_sheet(wb: Workbook, unit: SampleUnit, rows: list[dict[str, Cell]], date_format: str) -> None:
    ws = wb.create_sheet("交办事项")
    ws.cell(layout.TITLE_ROW, 1, f"{TOWN}领导批示、交办事项办理情况").font = Font(name="方正小标宋简体", size=16)
    ws.cell(layout.HEADER_BLOCK_ROW, 1, layout.header_block(unit.name, unit.filler))
    for col, name in enumerate(MATTER_COLUMNS, start=1):
        cell = ws.cell(layout.HEADER_ROW, col, name)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = MATTER_WIDTHS[name]
    for r, row in enumerate(rows, start=layout.FIRST_DATA_ROW):
        for col, name in enumerate(MATTER_COLUMNS, start=1):
            value = row[name]
            cell = ws.cell(r, col, value)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = date_format


def write_registers(root: Path) -> dict[str, Path]:
    """The office's list of assigned matters as it stood each month (``samples/交办事项/``), with its
    modification time when the office last changed it; month -> the version in force."""
    folder = root / "samples" / REGISTER_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    previous: list[list[Cell]] | None = None
    current: Path | None = None
    for month in ALL_MONTHS:
        rows: list[list[Cell]] = []
        for matter in MATTERS:
            if matter.assigned.strftime("%Y-%m") > month:
                continue
            units = "、".join(u.name for code in matter.units for u in UNITS if u.code == code)
            if matter.first_written and month < matter.fixed_in:
                units = matter.first_written
            rows.append([matter.mid, matter.assigned, matter.leader, matter.content, units, matter.deadline])
        if not rows:
            continue
        if rows != previous:
            current = folder / f"交办事项（{int(month[5:])}月）.xlsx"
            _write_register(current, rows)
            changed = max(m.assigned for m in MATTERS if m.assigned.strftime("%Y-%m") <= month)
            _stamp(current, dt.datetime.combine(max(changed, dt.date(YEAR, int(month[5:]), 1)), dt.time(17, 30)))
            previous = rows
        assert current is not None
        out[month] = current
    return out


def _write_register(path: Path, rows: list[list[Cell]]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "交办事项"
    ws.cell(1, 1, f"{TOWN}主要领导批示、交办事项清单").font = Font(name="方正小标宋简体", size=16)
    ws.cell(2, 1, f"{OFFICE}（作风整顿办）")
    headers = ("编号", "交办日期", "交办领导", "事项内容", "承办单位", "办理时限")
    widths = (12, 13, 20, 50, 30, 13)
    for col, (name, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(3, col, name)
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = width
    for r, row in enumerate(rows, start=4):
        for col, value in enumerate(row, start=1):
            cell = ws.cell(r, col, value)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            if isinstance(value, dt.date):
                cell.number_format = TEMPLATE_DATE_FORMAT
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# The departments answer the 不满意 cases raised about them (评议反映问题) in their next file

# department code -> how many months after its rating a case is answered 已办结 (the others,
# until then, 办理中: past its 答复时限 it goes red and is supervised like any item)
CASE_ANSWER_AFTER: dict[str, int] = {"NYZX": 2}
CASE_SHEET = "评议反映问题"
CASE_REPLIES: tuple[str, ...] = (
    "已约谈经办人员，实行首问负责和一次性告知，当面向反映的村（社区）说明整改情况",
    "已调整窗口值守安排，公开值班电话，限时办结",
    "已梳理办事材料清单并公开，群众办事一次告知到位",
)


def answer_cases(files: list[Path], template: Path, month: str, code: str) -> None:
    """Add the 评议反映问题 sheet to a department's files of ``month`` as it fills its template:
    every open case of ``template`` (its file of the month before, made by the pipeline) answered
    已办结 on the day before the file was received, or 办理中 while the department is slow
    (``CASE_ANSWER_AFTER``). The files' received times (mtimes) are kept."""
    if not template.exists():
        return
    source = load_workbook(template)
    if CASE_SHEET not in source.sheetnames:
        return
    rows = [
        [c.value for c in row]
        for row in source[CASE_SHEET].iter_rows(min_row=layout.FIRST_DATA_ROW)
        if row[0].value and str(row[0].value).startswith("PY-")
    ]
    header = [c.value for c in source[CASE_SHEET][layout.HEADER_ROW]]
    if not rows:
        return
    for path in files:
        stat = path.stat()
        received = dt.datetime.fromtimestamp(stat.st_mtime).date()
        wb = load_workbook(path)
        ws = wb.create_sheet(CASE_SHEET)
        for col, name in enumerate(header, start=1):
            ws.cell(layout.HEADER_ROW, col, name)
        for r, values in enumerate(rows, start=layout.FIRST_DATA_ROW):
            record = dict(zip(header, values, strict=False))
            period = str(record["编号"]).split("-")
            months_on = ALL_MONTHS.index(month) - ALL_MONTHS.index(f"{period[1]}-{period[2]}")
            done = months_on >= CASE_ANSWER_AFTER.get(code, 1)
            record["整改答复"] = CASE_REPLIES[r % len(CASE_REPLIES)] if done else "正在整改，已约谈相关人员"
            record["办理状态"] = "已办结" if done else "办理中"
            record["办结日期"] = received - dt.timedelta(days=1) if done else None
            for col, name in enumerate(header, start=1):
                ws.cell(r, col, record.get(name))
        wb.save(path)
        os.utime(path, (stat.st_atime, stat.st_mtime))
