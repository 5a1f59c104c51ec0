"""The one catalogue of user-facing messages: stable code -> level, title, Chinese template.

Like frictionless' error types, a code never changes meaning once published; tests assert on
codes, people read the rendered text. Templates are ``str.format`` strings over the message's
parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Entry:
    level: Level
    title: str
    template: str
    expect: str = ""  # how the cell should be filled, for the feedback workbook (str.format too)
    office_only: bool = False  # a note for the office (校验结果, terminal), never in a unit's feedback


CATALOGUE: dict[str, Entry] = {
    # --- configuration and workspace (fatal for the run) ---------------------------------
    "config-invalid": Entry("error", "配置有误", "活动配置 campaign.toml 有误，请对照 README 的示例检查。"),
    "config-missing": Entry("error", "缺少配置", "找不到活动配置文件 {path}，请先按 README 创建 campaign.toml。"),
    "config-syntax": Entry("error", "配置格式错误", "campaign.toml 格式有误：{detail}"),
    "config-key-missing": Entry("error", "配置缺项", "campaign.toml 的 [{section}] 缺少必填项“{key}”。"),
    "config-bad-date": Entry(
        "error",
        "配置日期错误",
        "campaign.toml 中“{key}”的值“{value}”不是有效日期，应写作 2022-03-20 这样的格式（不加引号）。",
    ),
    "config-date-year": Entry(
        "error",
        "配置日期错误",
        "campaign.toml 中“{key}”的日期 {value} 不在活动年度 {year} 年内（或次年），是不是年份写错了？请改正后再运行。",
    ),
    "config-date-order": Entry(
        "error",
        "配置日期先后不对",
        "campaign.toml 中“{first}”（{first_value}）晚于“{second}”（{second_value}），日期先后不对，请检查是否写错。",
    ),
    "config-unknown-key": Entry(
        "error",
        "配置项无法识别",
        "campaign.toml {what}，写了也不会起作用。{hint}可用的有：{known}。",
    ),
    "config-bad-value": Entry("error", "配置取值错误", "campaign.toml 中“{key}”的值“{value}”不正确：{expected}。"),
    "config-duplicate-unit": Entry(
        "error",
        "单位重复",
        "campaign.toml 的单位名单中，{field}“{value}”出现了不止一次（第 {first} 个和第 {second} 个单位）。",
    ),
    "config-lead-unknown": Entry(
        "error",
        "牵头部门不在单位名单中",
        "campaign.toml 的 [leads] 中“{key}”一行写的“{name}”不在本镇的单位名单（[[units]]）中。"
        "牵头部门请填写名单中单位的名称、简称或代码，如“{example}”；名称写错的请改正，"
        "名单中确实没有的单位请先在 [[units]] 中登记。",
    ),
    "config-lead-campaign": Entry(
        "error",
        "不是专项治理",
        "campaign.toml 的 [leads] 中“{key}”不是专项治理的名称。每行的名称请写 {allowed} 之一（三项专项治理），"
        '如 "办事难" = ["单位名称"]。',
    ),
    "config-lead-twice": Entry(
        "error",
        "牵头部门重复设置",
        "campaign.toml 的 [leads] 中“{key}”与前面的一行都是“{campaign}”的牵头部门，请合并为一行。",
    ),
    "config-no-units": Entry("error", "缺少单位名单", "campaign.toml 中没有任何 [[units]] 单位，请至少登记一个单位。"),
    "synonyms-invalid": Entry("error", "列名同义词配置错误", "列名同义词文件 {path} 有误：{detail}"),
    "config-section-missing": Entry(
        "error",
        "配置缺少活动设置",
        "{file} 中没有 [campaign] 这一节：town、year 等活动设置要写在单独一行 [campaign] 的下面。请在这些设置的上面加一行 [campaign]（这一行前面如果有 #，把 # 删掉）。",
    ),
    "config-not-utf8": Entry(
        "error",
        "配置文件编码错误",
        "{file} 不是 UTF-8 编码，无法读取。请用记事本打开，选择“另存为”，编码选 UTF-8 后保存。",
    ),
    "config-unit-name-unsafe": Entry(
        "error",
        "单位名称不能用作文件名",
        "campaign.toml 第 {number} 个单位的{field}“{value}”{reason}。单位名称会用作模板、督办通知单等文件的名称，{fix}",
    ),
    "config-unit-file-clash": Entry(
        "error",
        "单位名称用作文件名时重复",
        'campaign.toml 中第 {first} 个单位“{one}”和第 {second} 个单位“{other}”用作文件名时相同（文件名不区分大小写，半角的 :*?"<>| 会换成全角），两个单位的模板会互相覆盖。请把其中一个改成明显不同的名称。',
    ),
    # --- TOML mistakes in campaign.toml / synonyms.toml: {where} names the file and the line --------
    "toml-where": Entry("info", "出错位置", "{file} 第 {line} 行（{text}）："),
    "toml-chinese-quote": Entry(
        "error",
        "用了中文引号",
        '{where}用了中文引号 {quote}。文字两边要用英文半角双引号 "，例如 town = "某某镇"：切换到英文输入法再输入引号。',
    ),
    "toml-fullwidth": Entry(
        "error",
        "用了全角符号",
        "{where}有全角符号{char}，应改为{ascii}：切换到英文输入法再输入。",
    ),
    "toml-unclosed-quote": Entry(
        "error",
        "引号不成对",
        '{where}引号没有成对：文字的开头和结尾都要有英文双引号，例如 town = "某某镇"。',
    ),
    "toml-bad-date": Entry(
        "error",
        "日期不存在",
        "{where}日期 {value} 不存在（月份应为 01 到 12，日不能超过当月的天数）。请改成正确的日期，如 2022-03-20。",
    ),
    "toml-date-format": Entry(
        "error",
        "日期写法不对",
        "{where}日期 {value} 的写法不对：应写作 2022-03-20，即四位年份、两位月份、两位日，用短横线“-”连接，月和日不足两位的前面补 0，不加引号。",
    ),
    "toml-invalid-statement": Entry(
        "error",
        "无法识别的行",
        '{where}这一行无法识别。每一行应是“名称 = 值”、[表名] 或以 # 开头的说明文字；名称是中文的要加英文双引号，如 "问题类别" = ["类别"]。',
    ),
    "toml-extra-after-value": Entry(
        "error",
        "值后面有多余内容",
        "{where}值的后面还有多余的内容。一行只能写一项设置，说明文字要写在 # 后面；文字要用英文双引号括起来。",
    ),
    "toml-expected-equals": Entry(
        "error",
        "缺少等号",
        '{where}名称后面应是英文等号“=”，例如 town = "某某镇"；名称是中文的要加英文双引号。',
    ),
    "toml-bad-value": Entry(
        "error",
        "值无法识别",
        '{where}等号后面的值无法识别：文字要用英文双引号括起来（如 "某某镇"），数字直接写（如 2022），日期写作 2022-03-20，列表写作 ["某某", "某某村委"]。',
    ),
    "toml-duplicate": Entry(
        "error",
        "重复的设置",
        "{where}这一项在前面已经写过了：同一个名称在一节里只能写一次，[表名] 也只能出现一次（单位名单每个单位用 [[units]] 开头）。",
    ),
    "toml-unclosed-bracket": Entry(
        "error",
        "方括号不成对",
        '{where}方括号没有成对：表名写作 [campaign]，单位写作 [[units]]，列表写作 ["某某", "某某村委"]，列表中各项之间用英文逗号“,”分隔。',
    ),
    "toml-unclosed-brace": Entry(
        "error",
        "花括号不成对",
        "{where}花括号没有成对：左右花括号要在同一行里成对出现，括起来的各项之间用英文逗号分隔。",
    ),
    "toml-backslash": Entry(
        "error",
        "反斜杠用法不对",
        "{where}引号中的反斜杠“\\”用法不对：文字中要写反斜杠时请写两个“\\\\”。",
    ),
    "toml-control-char": Entry(
        "error", "有不可见字符", "{where}有不可见的控制字符（可能是从别处复制来的），请删去这一行后重新输入。"
    ),
    "toml-syntax": Entry(
        "error",
        "设置文件格式错误",
        "{where}第 {column} 个字符处格式有误。请对照 README 中的示例改正这一行（文字用英文双引号，日期写作 2022-03-20）。",
    ),
    "workspace-locked": Entry(
        "error", "正在运行", "另一个汇总任务正在处理工作目录 {path}（进程 {pid}），请等它结束后再运行。"
    ),
    "month-order": Entry(
        "error",
        "月份顺序错误",
        "台账中已有 {latest} 的数据，不能再向更早的 {month} 收入新文件。请把这些文件改在当月运行，或清空收件箱后重跑 {month} 只重新生成报表。",
    ),
    "ledger-too-new": Entry(
        "error",
        "台账版本过新",
        "台账数据库的格式版本为 {version}，而本程序只认识到版本 {known}。它是由更新版本的程序写入的，请升级程序后再运行，不要用旧程序改动它。",
    ),
    "unit-not-found": Entry(
        "error", "没有这个单位", "单位名单中没有“{unit}”，请填写单位代码（如 {example}）或单位全称、简称。"
    ),
    "month-not-run": Entry(
        "error",
        "月份顺序错误",
        "台账中已有 {latest} 的数据，而 {month} 从未运行过；事后补记更早的月份会改变之后各月的督办次数，因此不能运行。",
    ),
    "audit-broken": Entry("error", "审计记录被改动", "审计核验未通过：发现 {count} 处问题。"),
    "as-of-outside": Entry(
        "error",
        "统计截止日期不在活动期间",
        "统计截止日期 {day} 不在本次活动期间（{first} 至 {last}），本次没有运行，也没有改动任何文件。请检查日期是否写错，改用活动期间的日期，如 make monthly AS_OF={example}。",
    ),
    "as-of-outside-today": Entry(
        "error",
        "需要指定统计截止日期",
        "今天（{day}）不在本次活动期间（{first} 至 {last}），不能按今天统计，本次没有运行，也没有改动任何文件。请用 AS_OF 指定要统计的日期，如 make monthly AS_OF={example}。",
    ),
    "month-invalid": Entry(
        "error", "月份不正确", "“{value}”不是本次活动的月份，应写作 2022-04 这样的格式，在 {first} 至 {last} 之间。"
    ),
    "received-not-found": Entry(
        "error",
        "找不到文件",
        "收件箱和收件记录中都没有名为“{file}”的文件。请照抄文件名（含扩展名，如 附件2（某某村）.xlsx），可用 make audit-show 查看收件记录。",
    ),
    "received-ambiguous": Entry(
        "error", "文件名不唯一", "名为“{file}”的文件不止一个：{found}。请写出收件箱中的完整路径（如 微信文件/{file}）。"
    ),
    "received-out-of-range": Entry(
        "error",
        "接收时间不正确",
        "接收时间 {at} 不对：应在 {first} 之后、不晚于现在。请写作 2022-04-20 或 2022-04-20 09:30。",
    ),
    "received-after-seen": Entry(
        "error",
        "接收时间晚于登记时间",
        "接收时间 {at} 晚于本程序第一次见到这个文件的时间 {seen}，作风整顿办在那时已经收到了它。请填写实际收到的时间（不晚于 {seen}）。",
    ),
    "received-bad-time": Entry(
        "error", "接收时间无法识别", "“{value}”无法识别为时间，请写作 2022-04-20 或 2022-04-20 09:30。"
    ),
    "inbox-not-folder": Entry(
        "error",
        "收件箱不是文件夹",
        "收件箱 {path} 应是一个文件夹，现在却是一个文件。请把它改名或移走，新建名为 inbox 的文件夹，把收到的文件放进去后再运行。",
    ),
    "ledger-missing": Entry(
        "error",
        "台账数据库不见了",
        "台账数据库 {path} 不见了，但工作目录中已有{history}。为免从头建立新台账、把以往的问题都当作不存在，本次没有运行。{restore}",
    ),
    "ledger-empty": Entry(
        "error",
        "台账数据库是空的",
        "台账数据库 {path} 是空的，但工作目录中已有{history}。为免从头建立新台账、把以往的问题都当作不存在，本次没有运行。{restore}",
    ),
    "ledger-corrupt": Entry(
        "error",
        "台账数据库已损坏",
        "台账数据库 {path} 已损坏或不是台账文件（{detail}），本次没有运行。{restore}",
    ),
    "ledger-restore-hint": Entry(
        "info",
        "恢复台账",
        "请运行 make restore 从最近的备份 {backup}（{when} 的运行之后备份）恢复台账，再重新运行。",
    ),
    "ledger-restore-none": Entry(
        "info",
        "恢复台账",
        "工作目录中没有台账备份（backup/ 文件夹），请从电脑或U盘上的备份中找回 ledger.sqlite，放回 {folder} 后再运行。",
    ),
    "ledger-edited": Entry(
        "error",
        "台账被直接改动",
        "台账数据库中的记录被直接改动过（不是由本程序写入的），本次没有运行：{detail}。被改动的台账不能作为统计依据。请运行 make restore 从最近的备份恢复台账；如确需更正，应让单位重新报送或由作风整顿办更正后重新运行。",
    ),
    "restore-done": Entry(
        "info",
        "台账已恢复",
        "已从备份 {backup} 恢复台账（原台账文件保存为 {kept}）。请运行 make audit 核验后再继续。",
    ),
    "restore-not-needed": Entry(
        "error",
        "台账无需恢复",
        "台账数据库完好（审计核验通过），无需恢复。如确要用备份覆盖当前台账，请先把 {path} 移走后再运行 make restore。",
    ),
    "restore-no-backup": Entry(
        "error",
        "没有台账备份",
        "工作目录的 backup/ 文件夹中没有可用的台账备份，无法自动恢复。请从电脑或U盘上的备份中找回 ledger.sqlite，放回 {folder}。",
    ),
    "disk-full": Entry(
        "error",
        "磁盘空间不足",
        "磁盘空间已满或写入出错（{detail}），本次运行没有完成。{state}请清理磁盘空间后重新运行同一命令，即可完成本月。",
    ),
    "output-not-writable": Entry(
        "error",
        "无法写入输出目录",
        "无法写入输出文件夹 {path}（{detail}）。{state}请检查该文件夹是否被设为只读、是否有文件正被打开，修正后重新运行同一命令，即可生成本月报表。",
    ),
    "state-ledger-unchanged": Entry("info", "台账未变", "台账没有任何改动，收件箱中的文件都还在。"),
    "state-ledger-saved": Entry("info", "台账已更新", "本次收到的文件已归档并登记，台账已更新，只是报表没有生成完。"),
    "where-workspace": Entry("info", "工作目录", "工作目录"),  # the folder a refusal names when the system names none
    "demo-refused": Entry(
        "error",
        "演示目录不为空",
        "目录 {path} 不是空目录，也不是演示生成的工作目录；为免覆盖真实数据，演示不会写入这里。请换一个目录。",
    ),
    "demo-unavailable": Entry(
        "error",
        "演示组件未安装",
        "演示需要的组件没有安装（缺少 {detail}）。请运行 make demo，它会自动安装演示组件后再运行。",
    ),
    "summary-no-data": Entry("error", "没有数据", "台账中还没有任何月份的数据，请先运行月度汇总。"),
    "summary-months-not-run": Entry(
        "error",
        "月度汇总未运行",
        "{period}报告统计到{last}，但{months}的月度汇总还没有运行（台账中最近运行的是{latest}），"
        "现在生成的报告会把旧的数字当作期末情况。请先按月份顺序运行：{commands}，然后再生成报告。",
    ),
    "summary-period-empty": Entry(
        "error",
        "报告期内没有数据",
        "{period}报告统计到{last}，但报告期内没有运行过任何月份的月度汇总。请检查统计截止日期（AS_OF），"
        "或先运行该期间各月的月度汇总。",
    ),
    "summary-gaps": Entry(
        "warning",
        "月份缺失",
        "注意：{gaps}没有运行月度汇总，之后的月份已经运行，无法再补记，本报告不含{gaps}的数据。{end}",
    ),
    "summary-no-font": Entry(
        "info",
        "未绘制统计图",
        "说明：本机未找到可用的中文字体（已查找：{fonts}），本报告未插入统计图，相关数据见各表。安装 fonts-noto-cjk 后重新生成即可带图。",
    ),
    "internal": Entry("error", "内部错误", "{detail}"),
    "output-outside": Entry(
        "error",
        "输出位置不安全",
        "输出文件“{name}”会写到文件夹 {folder} 之外（{target}），为安全起见没有写入。请检查这个文件夹中是否有指向别处的快捷方式或链接，删除后重新运行。",
    ),
    # --- a received file that cannot be read (the file is returned) ---------------------
    "file-unreadable": Entry("error", "无法读取", "文件无法读取：{detail}"),
    "file-encrypted": Entry("error", "文件已加密", "文件设置了打开密码，无法读取。请取消密码后重新报送。"),
    "file-corrupt": Entry("error", "文件损坏", "文件已损坏或不完整，无法打开（{detail}）。请重新保存后报送。"),
    "file-not-spreadsheet": Entry(
        "error", "不是表格文件", "这不是 Excel 表格文件（内容识别为：{kind}）。请报送 .xlsx 或 .xls 格式的问题清单。"
    ),
    "file-empty": Entry("error", "空文件", "文件是空的（0 字节），请重新报送。"),
    "file-too-large": Entry("error", "文件过大", "文件大小 {size} 超过上限 {limit}，请删除无关内容后重新报送。"),
    "file-unpacked-too-large": Entry(
        "error", "解压后过大", "文件解压后大小 {size} 超过上限 {limit}（压缩比 {ratio}），疑似异常文件，不予读取。"
    ),
    "file-too-many-rows": Entry(
        "error", "行数过多", "工作表“{sheet}”有 {rows} 行，超过上限 {limit} 行，请只保留问题清单。"
    ),
    "file-too-complex": Entry(
        "error",
        "文件过于复杂",
        "读取该文件需要的内存超过上限 {limit}（例如工作表中有位于极远处的单元格，使表格范围大到无法读取），疑似异常文件，不予读取。请只保留问题清单，删除多余的行、列和工作表后重新报送。",
    ),
    "file-timeout": Entry(
        "error",
        "读取超时",
        "读取该文件超过 {seconds} 秒仍未完成，疑似异常文件，不予读取。请只保留问题清单，重新保存后报送。",
    ),
    "table-not-found": Entry(
        "error",
        "找不到问题清单",
        "文件中没有找到问题清单表格：{detail}。请使用附件2问题清单模板，表头应包含 问题类别、具体问题、整改措施、责任领导、责任人、完成时限、完成状态。",
    ),
    "unit-unknown": Entry(
        "error",
        "无法确定填报单位",
        "无法确定填报单位：表头“填报单位”为“{found}”，表格标题、问题编号和文件名（含所在文件夹）也都对不上名单中的单位。请在“填报单位（盖章）：”后填写单位全称。",
        "在表头“填报单位（盖章）：”后填写单位全称",
    ),
    "table-in-hidden-sheet": Entry(
        "warning",
        "取自隐藏的工作表",
        "{label}取自隐藏的工作表“{sheet}”：可见的工作表中没有{label}。请核实这确是本单位要报送的内容；以后请把{label}放在可见的工作表中（在工作表标签上右键，选“取消隐藏”）。",
        "把{label}放在可见的工作表中，删去不用的隐藏工作表",
    ),
    "unit-conflict": Entry("warning", "填报单位不一致", "填报单位前后不一致：{detail}；按“{unit}”处理。"),
    "unit-text-unmatched": Entry(
        "warning",
        "填报单位名称不规范",
        "表头“填报单位”写的是“{found}”，与单位名单中的名称和简称都对不上；已按{source}认定为“{unit}”。请以后填写单位全称。",
    ),
    "unit-not-in-roster": Entry(
        "error", "单位不在名单中", "模板标记的单位代码“{code}”不在本次活动的单位名单中，请使用作风整顿办下发的模板。"
    ),
    # --- cell errors (the file is returned) ----------------------------------------------
    "cell-required": Entry(
        "error", "必填项为空", "“{column}”为必填项，不能为空。", "填写{column}；每个问题的这一项都要填写"
    ),
    "cell-excel-error": Entry(
        "error",
        "单元格显示错误值",
        "“{column}”单元格显示的是 Excel 错误值“{value}”，不是填写的内容（通常是公式出了错：除数为零、引用的单元格已被删除、查找不到等）。请在这个单元格里直接填写{column}本身，不要用公式。",
        "直接填写{column}本身（不要用公式）",
    ),
    "category-invalid": Entry(
        "error",
        "问题类别不正确",
        "问题类别“{value}”无法识别，应为七类之一：政治纪律不严守、决策部署不落实；违反中央八项规定精神；服务不强、环境不优；懒政怠政、为官不为；村（居）务公开专项治理；工程建设领域专项治理；“办事难”专项治理。",
        "从七类中选一类填写，如“服务不强、环境不优”或“村（居）务公开专项治理”",
    ),
    "status-invalid": Entry(
        "error",
        "完成状态不正确",
        "完成状态“{value}”无法识别，应为：未启动、整改中、已完成、长期坚持。",
        "填写 未启动、整改中、已完成、长期坚持 之一",
    ),
    "date-invalid": Entry(
        "error",
        "日期无法识别",
        "“{column}”的值“{value}”无法识别为日期，应写作 2022-04-30、2022年4月30日 或 4月底 等。",
        "写成 2022-04-30、2022年4月30日、4月底 这样的日期",
    ),
    "date-number": Entry(
        "error",
        "日期被写成数字",
        "“{column}”的值“{value}”是一个数字，不是日期（Excel 常把 4.30 自动变成 4.3）。请改写为 2022-04-30 或 4月30日。",
        "写成 2022-04-30 或 4月30日（不要写成 4.30）",
    ),
    "date-too-early": Entry(
        "error",
        "日期早于活动年度",
        "“{column}”的日期“{value}”早于本次整改活动的年度（{year} 年），不可能是实际的时限或完成日期（常见原因：年份输错，或单元格里是 Excel 自动转换出的日期）。请核对后填写正确的日期，如 {year}-04-30。",
        "填写 {year} 年的实际日期，如 {year}-04-30",
    ),
    "date-too-late": Entry(
        "error",
        "日期明显过晚",
        "“{column}”的日期“{value}”晚于 {latest} 年底，对 {year} 年的整改活动来说明显不合理（多半是年份输错）。请核对后填写正确的日期；确需长期整改的，完成时限写“长期坚持”。",
        "填写正确的日期，如 {year}-04-30；确需长期整改的写“长期坚持”",
    ),
    "date-long-term-done": Entry(
        "error",
        "完成日期不正确",
        "“完成日期”不能写“{value}”，请填写实际完成的日期，如 2022-04-30。",
        "填写实际完成的日期，如 2022-04-30；长期坚持的问题完成状态写“长期坚持”、完成日期留空",
    ),
    "completed-without-date": Entry(
        "error",
        "缺少完成日期",
        "完成状态为“已完成”，但没有填写“完成日期”。请补填实际完成的日期。",
        "补填实际完成的日期，如 2022-04-30",
    ),
    "date-without-completed": Entry(
        "error",
        "完成状态与日期不符",
        "填写了完成日期 {value}，但完成状态是“{status}”。已完成的请把状态改为“已完成”，未完成的请删去完成日期。",
        "已完成的把完成状态改为“已完成”；未完成的删去完成日期",
    ),
    "completed-after-received": Entry(
        "error",
        "完成日期晚于报送日期",
        "完成日期 {value} 晚于本文件的接收日期 {received}，请填写实际完成的日期。",
        "填写不晚于 {received} 的实际完成日期；尚未完成的把状态改为“整改中”并删去完成日期",
    ),
    "id-unknown": Entry(
        "error",
        "问题编号不存在",
        "问题编号“{value}”在台账中不存在。新查摆的问题请把问题编号留空，由作风整顿办统一编号。",
        "照抄作风整顿办下发模板中的问题编号；新问题的编号留空",
    ),
    "id-foreign": Entry(
        "error",
        "问题编号属于其他单位",
        "问题编号“{value}”属于{owner}，不是本单位的问题，请核对后重新填写。",
        "填写本单位的问题编号（照抄本单位模板）；新问题的编号留空",
    ),
    "id-repeated": Entry(
        "error",
        "问题编号重复",
        "问题编号“{value}”在本表中出现了多次（另见第 {other} 行），每个问题只能填一行。",
        "每个问题编号只填一行，删去重复的行或改正编号",
    ),
    "problem-missing": Entry(
        "error",
        "已登记问题缺失",
        "台账中未完成的问题 {value}（{description}）没有出现在本表中。已登记的问题不能删除，请保留该行并更新整改进展。",
        "把问题 {value} 这一行加回表中，并更新整改进展和完成状态",
    ),
    # --- assigned matters (交办事项): a unit's 交办事项 sheet --------------------------------
    "matter-status-invalid": Entry(
        "error",
        "办理状态不正确",
        "办理状态“{value}”无法识别，应为：未启动、办理中、已办结。",
        "填写 未启动、办理中、已办结 之一",
    ),
    "done-without-date": Entry(
        "error",
        "缺少办结日期",
        "办理状态为“已办结”，但没有填写“办结日期”。请补填实际办结的日期。",
        "补填实际办结的日期，如 2022-05-20",
    ),
    "date-without-done": Entry(
        "error",
        "办理状态与日期不符",
        "填写了办结日期 {value}，但办理状态是“{status}”。已办结的请把状态改为“已办结”，未办结的请删去办结日期。",
        "已办结的把办理状态改为“已办结”；未办结的删去办结日期",
    ),
    "item-unknown": Entry(
        "error",
        "事项编号不存在",
        "{label}编号“{value}”不在作风整顿办的交办事项清单中，请照抄下发模板中的编号。",
        "照抄作风整顿办下发模板中的编号",
    ),
    "item-not-assigned": Entry(
        "error",
        "不是本单位承办的事项",
        "{label}“{value}”的承办单位是{owner}，不是本单位，请核对后重新填写。",
        "只填写交办给本单位的事项（照抄本单位模板）",
    ),
    "item-repeated": Entry(
        "error",
        "事项编号重复",
        "编号“{value}”在本表中出现了多次（另见第 {other} 行），每个事项只能填一行。",
        "每个编号只填一行，删去重复的行",
    ),
    "item-missing": Entry(
        "error",
        "交办事项缺失",
        "交办给本单位、尚未办结的{label} {value}（{description}）没有出现在本文件的“交办事项”工作表中。请保留该行并更新办理进展。",
        "在“交办事项”工作表中填报事项 {value} 的办理进展和办理状态",
    ),
    "item-reopened": Entry(
        "warning",
        "状态倒退",
        "{label} {value} 上月已办结，本月状态改为“{status}”，请核实。",
        "核实该事项是否已办结",
    ),
    # --- 评议反映问题: a department's answers to the 不满意 cases of the 办事效率评议 --------------
    "case-unknown": Entry(
        "error",
        "事项编号不存在",
        "{label}编号“{value}”不在作风整顿办登记的评议反映问题中，请照抄下发模板中的编号。",
        "照抄作风整顿办下发模板“评议反映问题”工作表中的编号",
    ),
    "case-not-assigned": Entry(
        "error",
        "不是本单位的事项",
        "{label}“{value}”的被评议部门是{owner}，不是本单位，请核对后重新填写。",
        "只填写本单位模板中列出的评议反映问题",
    ),
    "case-repeated": Entry(
        "error",
        "事项编号重复",
        "编号“{value}”在本表中出现了多次（另见第 {other} 行），每个事项只能填一行。",
        "每个编号只填一行，删去重复的行",
    ),
    "case-missing": Entry(
        "error",
        "评议反映问题缺失",
        "评议反映本单位、尚未办结的{label} {value}（{description}）没有出现在本文件的“评议反映问题”工作表中。请保留该行并填写整改答复。",
        "在“评议反映问题”工作表中填报事项 {value} 的整改答复和办理状态",
    ),
    "case-reopened": Entry(
        "warning",
        "状态倒退",
        "{label} {value} 上月已办结，本月状态改为“{status}”，请核实。",
        "核实该事项是否已办结",
    ),
    "case-progress-unchanged": Entry(
        "warning",
        "答复未更新",
        "{label} {value} 仍未办结，整改答复与上次报送的完全相同（答复未更新）。",
        "写明本月新的整改答复",
    ),
    # --- 办事效率评议: a village's or community's rating of the town's departments ----------------
    "rating-level-invalid": Entry(
        "error",
        "评议等次不正确",
        "评议等次“{value}”无法识别，应为：满意、基本满意、不满意、未办理事项。",
        "从下拉列表中选择 满意、基本满意、不满意、未办理事项 之一",
    ),
    "rating-level-blank": Entry(
        "error",
        "评议等次未填写",
        "对“{department}”的评议等次没有填写。每个部门都要选择一项；本期与该部门没有办理过事项的，选择“未办理事项”。",
        "从下拉列表中选择 满意、基本满意、不满意、未办理事项 之一",
    ),
    "rating-department-blank": Entry(
        "error",
        "被评议部门为空",
        "这一行填写了评议内容，但“被评议部门”是空的，不知道评议的是哪个部门。",
        "填写被评议部门的名称（照抄下发模板中的部门），或删去这一行",
    ),
    "rating-department-unknown": Entry(
        "error",
        "被评议部门不在名单中",
        "被评议部门“{value}”不是本镇单位名单中的部门。本镇参加评议的部门有：{departments}。",
        "照抄下发模板中的部门名称，如“{example}”",
    ),
    "rating-department-repeated": Entry(
        "error",
        "部门重复评议",
        "部门“{value}”在本表中评议了多次（另见第 {other} 行），每个部门只能评议一次。",
        "每个部门只填一行，删去重复的行",
    ),
    "rating-reason-missing": Entry(
        "error",
        "缺少不满意原因",
        "对“{department}”的评议为“不满意”，但没有填写“不满意原因”。",
        "填写 人难找、门难进、事难办、来回跑、其他 中的一项或几项，几项之间用“、”分隔",
    ),
    "rating-reason-invalid": Entry(
        "error",
        "不满意原因无法识别",
        "不满意原因“{value}”中的“{word}”无法识别，应为：人难找、门难进、事难办、来回跑、其他（可以填几项，用“、”分隔）。",
        "填写 人难找、门难进、事难办、来回跑、其他 中的一项或几项，几项之间用“、”分隔",
    ),
    "rating-case-missing": Entry(
        "error",
        "缺少具体情况",
        "对“{department}”的评议为“不满意”，但没有填写“具体情况”。",
        "写明办理什么事项时、遇到了什么问题（如时间、经过），以便核实整改",
    ),
    "rating-department-missing": Entry(
        "warning",
        "部门未评议",
        "本镇部门“{department}”不在“{sheet}”工作表中，按本单位未评议该部门处理。",
        "在评议表中加回“{department}”一行并选择评议等次（本期没有办理过事项的选“未办理事项”）",
    ),
    "rating-sheet-missing": Entry(
        "warning",
        "未填报办事效率评议",
        "本文件中没有“办事效率评议”工作表，本单位{period}的办事效率评议按未返回处理。"
        "请使用作风整顿办下发的本月模板，在“办事效率评议”工作表中对各部门逐一评议。",
    ),
    "rating-sheet-not-rater": Entry(
        "info",
        "评议表未读取",
        "镇属部门不参加办事效率评议，文件中的“{sheet}”工作表未读取。",
    ),
    "rating-sheet-off-period": Entry(
        "info",
        "评议表未读取",
        "本月不是办事效率评议的月份（评议在每季度最后一个月进行），文件中的“{sheet}”工作表未读取。",
    ),
    # --- the office's own list of assigned matters (交办事项.xlsx) ----------------------------
    "register-unreadable": Entry(
        "error",
        "交办事项清单无法读取",
        "作风整顿办的交办事项清单“{file}”无法读取：{detail}。本次运行沿用台账中已登记的交办事项。",
    ),
    "register-unit-unknown": Entry(
        "error",
        "承办单位不在名单中",
        "承办单位“{value}”不在单位名单中，该事项本次未登记。请填写单位全称或简称，多个单位用“、”分隔。",
        "填写名单中的单位全称或简称，多个单位用“、”分隔",
    ),
    "register-id-repeated": Entry(
        "error",
        "交办事项编号重复",
        "编号“{value}”在清单中出现了多次（另见第 {other} 行），重复的行本次未登记。",
        "每个交办事项使用不同的编号",
    ),
    "register-row-skipped": Entry(
        "warning",
        "交办事项未登记",
        "第 {row} 行（编号“{value}”）有误，本次未登记，其余事项照常登记。",
    ),
    "register-read": Entry("info", "交办事项清单", "读取交办事项 {count} 件（其中 {skipped} 行有误未登记）。"),
    # --- warnings (the file is accepted) ---------------------------------------------------
    "description-too-short": Entry(
        "warning",
        "描述过于简略",
        "具体问题“{value}”不足 10 个字，描述过于简略，请写清问题的具体表现。",
        "写清问题的具体表现，不少于 10 个字",
    ),
    "deadline-after-phase": Entry(
        "warning",
        "时限超出整改阶段",
        "完成时限 {value} 晚于整改落实阶段结束日 {phase_end}。",
        "完成时限一般不晚于 {phase_end}；确需长期整改的写“长期坚持”",
    ),
    "deadline-changed": Entry(
        "warning",
        "延期",
        "问题 {problem_id} 的完成时限由 {old} 改为 {value}（延期）。",
        "如确需延期，请在备注中说明原因",
    ),
    "status-reverted": Entry(
        "warning",
        "状态倒退",
        "问题 {problem_id} 上月已完成，本月状态改为“{value}”，请核实。",
        "核实该问题是否已完成",
    ),
    "progress-unchanged": Entry(
        "warning",
        "进展未更新",
        "问题 {problem_id} 仍未完成，整改进展与上月完全相同（进展未更新）。",
        "写明本月新的整改进展",
    ),
    "item-progress-unchanged": Entry(
        "warning",
        "进展未更新",
        "{label} {value} 仍未办结，办理进展与上次报送的完全相同（进展未更新）。",
        "写明本月新的办理进展",
    ),
    # --- 形式主义提示 (pipeline/formality.py): warnings, never a reason to return a file -------------
    "formality-copy": Entry(
        "warning",
        "问题雷同",
        "问题 {item} 的具体问题和整改措施与{other_unit}{other_month}报送的问题 {other_item} {how}，请按本单位实际查摆，写明本单位的具体情况。",
        "按本单位实际写明具体问题和整改措施",
    ),
    "formality-copy-same": Entry("info", "雷同程度", "去掉单位名称、数字和标点后完全相同"),
    "formality-copy-near": Entry("info", "雷同程度", "高度相似（相似度 {score}%）"),
    "formality-list": Entry(
        "warning",
        "清单雷同",
        "本单位本月报送的 {total} 条问题中，有 {count} 条与{other_unit}的问题清单雷同，请对照本单位实际重新查摆。",
        "对照本单位实际重新查摆问题",
    ),
    "formality-empty": Entry(
        "warning",
        "问题空泛",
        "问题 {item} 的具体问题只有套话（空话），没有具体事实：什么时间、什么地方、什么人、什么事、多少。",
        "写明问题的具体表现：时间、地点、人、事、数字",
    ),
    "formality-echo": Entry(
        "warning",
        "措施照搬问题",
        "问题 {item} 的整改措施只是把问题换了个说法，没有写出具体怎么改。",
        "写明具体怎么改、谁来改、什么时候改完",
    ),
    "formality-stale": Entry(
        "warning",
        "进展未更新",
        "问题 {item} 仍未完成，整改进展已连续 {count} 次报送相同内容，或只写“正在整改”“持续推进”之类的话。",
        "写明本月实际做了什么、做到了哪一步",
    ),
    "run-formality": Entry(
        "info",
        "形式主义提示",
        "形式主义提示 {total} 条（{parts}），不退回文件，详见总台账“形式主义提示”和“形式主义提示明细”。",
    ),
    "run-formality-lists": Entry("info", "清单雷同", "问题清单大部分雷同：{pairs}。"),
    "run-formality-cleared": Entry("info", "已核实提示", "已核实提示.toml 中已核实、本月不再提示的 {count} 条。"),
    "cleared-bad-key": Entry(
        "error",
        "提示编号写法不对",
        "{file} 第 {line} 行的“{key}”不是提示编号。提示编号是提示类型（{kinds}）加英文冒号和问题编号，例如“{example}”，"
        "请从总台账“形式主义提示明细”表的“提示编号”列整个复制过来，两边加英文双引号，等号右边写核实情况。",
    ),
    "cleared-bad-value": Entry(
        "error",
        "核实情况没有写",
        "{file} 第 {line} 行提示“{key}”的核实情况应为一段文字（谁在哪天核实、为什么不算问题），"
        '两边加英文双引号，例如 "{key}" = "5月6日到村核实，两村共用一条水渠，问题确属相同"。',
    ),
    "cleared-none": Entry(
        "info", "提示核实", "文件中没有已核实的提示：以前核实过、不再提示的，此后重新提示。", office_only=True
    ),
    "cleared-recorded": Entry(
        "info",
        "提示核实",
        "作风整顿办已核实 {count} 条形式主义提示不属于问题，此后不再提示：{keys}。",
        office_only=True,
    ),
    # the other unit's side of a 清单雷同 (its file of the month and its 提示 workbook)
    "formality-list-partner": Entry(
        "warning",
        "清单雷同",
        "{other_unit}本月报送的 {total} 条问题中，有 {count} 条与本单位的问题清单雷同，请对照本单位实际查摆，写明本单位的具体情况。",
        "对照本单位实际重新查摆问题",
    ),
    # 总台账 形式主义提示 / 形式主义提示明细, and a unit's 提示/{单位}_形式主义提示.xlsx
    "formality-none": Entry("info", "形式主义提示", "本月未发现形式主义提示。"),
    "formality-clear-how": Entry(
        "info",
        "提示核实",
        "经核实不属于问题的提示，请把它的“提示编号”和核实情况写入工作目录下的 {file}，"
        '每条一行，如 "{key}" = "5月6日到村核实，所报问题属实，不是照搬或空话"，此后不再提示。',
        office_only=True,
    ),
    "formality-feedback-title": Entry("info", "形式主义提示", "{unit}：形式主义提示（{month}）"),
    "formality-feedback-intro": Entry(
        "info",
        "形式主义提示",
        "作风整顿办比对各单位报送的问题清单，发现你单位{month}有以下 {count} 条形式主义提示。"
        "这些是提醒，不退回，请在下月报送时改进：按“应当如何改”一栏写明本单位的具体情况。",
    ),
    "no-problems": Entry("warning", "未查摆出问题", "本表没有填写任何问题（未查摆出问题），请核实。"),
    "cell-too-long": Entry(
        "warning",
        "内容过长",
        "“{column}”的内容有 {length} 个字，超过 Excel 单元格上限 {limit} 个字；台账中完整保存，总台账、模板等表格中只显示前面部分。请精简表述。",
        "精简到 {limit} 个字以内",
    ),
    "rows-ignored": Entry("warning", "表格下方内容已忽略", "表格下方的内容“{value}”不属于问题清单，已忽略。"),
    # --- when a file was received (pipeline/receipts.py): notes for the office ------------
    "received-stated": Entry(
        "info",
        "接收时间已更正",
        "接收时间按作风整顿办登记的 {at} 计（文件修改时间为 {modified}）。",
        office_only=True,
    ),
    "received-corrected": Entry(
        "info",
        "接收时间已更正",
        "作风整顿办将接收时间更正为 {at}（原为 {was}）。",
        office_only=True,
    ),
    "received-registered": Entry(
        "info",
        "接收时间按收件登记",
        "接收时间按收件登记的 {at} 计；文件修改时间 {modified} 晚于登记时间，是之后复制或改存的时间。",
        office_only=True,
    ),
    "received-first-run": Entry(
        "info",
        "接收时间按首次运行",
        "文件修改时间 {modified} 晚于本次运行的时间，接收时间按本次运行时间 {at} 计。",
        office_only=True,
    ),
    "received-copy-time": Entry(
        "warning",
        "接收时间存疑",
        "本次有 {count} 个文件的修改时间都在 {minute} 这一分钟，像是复制文件的时间而不是收到的时间；是否按时报送按这个时间判断。如与实际不符，请用 make received 更正接收时间后重新运行本月。",
        office_only=True,
    ),
    "received-after-as-of": Entry(
        "warning",
        "接收时间存疑",
        "文件修改时间 {modified} 晚于统计截止日期 {as_of}，可能是复制文件的时间；是否按时报送按这个时间判断。如与实际不符，请用 make received 更正接收时间后重新运行本月。",
        office_only=True,
    ),
    # --- information ---------------------------------------------------------------------
    "file-duplicate": Entry(
        "info", "重复文件", "与 {received} 收到的“{original}”内容完全相同，按重复文件处理，不再重复录入。"
    ),
    "file-superseded": Entry("info", "已被替代", "本单位本月又报送了新文件“{newer}”，以新文件为准。"),
    "work-summary-received": Entry("info", "工作总结", "已作为本单位的干部作风整顿工作总结归档。"),
    "accepted": Entry("info", "通过", "校验通过，录入 {count} 个问题（新增 {new} 个）。"),
    # --- what audit verify finds (pipeline/archive.py; the title is the finding's kind) ------------
    "audit-record-gap": Entry("error", "记录被删除", "审计记录第 {seq} 条不见了（在“{file}”的记录之前）"),
    "audit-records-gap": Entry("error", "记录被删除", "审计记录第 {first} 至 {last} 条不见了（在“{file}”的记录之前）"),
    "audit-link-broken": Entry(
        "error", "记录被改动", "第 {seq} 条记录（“{file}”）与前一条记录的链接断开，前一条记录被改写或替换"
    ),
    "audit-record-edited": Entry("error", "记录被改动", "第 {seq} 条记录（“{file}”）的内容与其校验值不符"),
    "audit-copy-missing": Entry("error", "归档文件缺失", "第 {seq} 条记录的归档文件“{file}”（{sha}…）不见了"),
    "audit-copy-altered": Entry("error", "归档文件被改动", "“{file}”的归档副本内容被改动（{sha}…）"),
    "audit-head-missing": Entry("error", "记录被改动", "审计记录链的末端校验值不见了"),
    "audit-tail-deleted": Entry("error", "记录被删除", "第 {seq} 条之后的审计记录被删除（与保存的记录链末端不符）"),
    "audit-all-deleted": Entry("error", "记录被删除", "全部审计记录被删除（与保存的记录链末端不符）"),
    "audit-copy-waiting": Entry(
        "info",
        "待登记",
        "归档副本 {name} 是收件箱中“{file}”的副本，上次运行中断、尚未登记；再次运行月度汇总即可登记",
    ),
    "audit-copy-unregistered": Entry("error", "归档文件未登记", "归档目录中多出未登记的文件 {name}"),
    "ledger-row-edited": Entry("error", "台账被改动", "台账中{what} {key}（{month}）被直接改动过，与封存的校验值不符"),
    "ledger-row-added": Entry("error", "台账被改动", "台账中{what} {key}（{month}）不是本程序写入的（封存时没有这条）"),
    "ledger-row-deleted": Entry("error", "台账被改动", "台账中{what} {key}（{month}）被删除了"),
    "ledger-seal-chain": Entry("error", "台账封存被改动", "台账封存记录第 {key} 条被改动、删除或替换"),
    "ledger-seal-roots": Entry("error", "台账封存被改动", "台账封存的各月校验值被改动，与最后一次封存记录不符"),
    "ledger-seal-rows": Entry("error", "台账封存被改动", "台账 {month} 的封存校验值被改动"),
    "ledger-seal-behind": Entry(
        "error", "台账封存被改动", "审计记录在最后一次封存之后有增减（不是本程序写入的，或封存记录被删除）"
    ),
    "ledger-guard-removed": Entry(
        "error", "台账保护被移除", "台账的写入保护被删除或改动过（{key}），有人绕过本程序改动过台账"
    ),
    "ledger-unsealed": Entry("error", "台账封存缺失", "台账中有数据，但没有任何封存记录（封存表被清空）"),
    # --- what the terminal says after a command (pipeline/cli.py, pipeline/terminal.py) -----
    "run-done": Entry(
        "info",
        "月度汇总完成",
        "{month} 月度汇总完成（截至 {as_of}）：本次收到 {files} 个文件，通过 {passed}，退回 {returned}，重复 {duplicates}{summaries}。",
    ),
    "run-done-summaries": Entry("info", "工作总结", "，工作总结 {count}"),
    "run-files-title": Entry("info", "本次收件校验结果", "本次收件校验结果："),
    "run-more-notes": Entry("info", "另有提示", "……另有 {count} 条，见总台账“校验结果”"),
    "run-submissions": Entry(
        "info", "报送情况", "本月报送情况：按时 {on_time}，逾期 {late}，退回 {returned}，未报送 {missing}。"
    ),
    "run-chase-missing": Entry("info", "未报送", "未报送（{count} 个单位，请催报）：{names}"),
    "run-chase-late": Entry("info", "逾期报送", "逾期报送（{count} 个单位）：{names}"),
    "run-chase-returned": Entry(
        "info",
        "退回未改",
        "只有退回的文件（{count} 个单位，请把“退回”文件夹中的反馈表发给他们，督促修改后重新报送）：{names}",
    ),
    "run-chase-twice": Entry("info", "连续两月未报送", "连续两个月没有合格报送（{count} 个单位）：{names}"),
    "run-left-in-inbox": Entry(
        "info",
        "本次未处理",
        "以下 {count} 个文件在归档时正在写入、被改动或被移走，本次未处理；仍在收件箱的，下次运行时再处理：{names}",
    ),
    "run-no-permission": Entry(
        "info",
        "没有读取权限",
        "以下 {count} 个文件没有读取权限，本次未处理，仍留在收件箱中：{names}。请在文件属性中允许读取（或重新保存一份放进收件箱）后再运行。",
    ),
    "run-not-taken": Entry(
        "info",
        "未读取",
        "收件箱中以下 {count} 项不是普通文件或嵌套过深，没有读取，仍留在原处：{names}。",
    ),
    "run-received-copy-time": Entry(
        "info",
        "接收时间存疑",
        "注意：{count} 个文件的修改时间都在 {minute} 这一分钟，像是复制文件的时间而不是收到的时间，是否按时报送据此判断。如与实际不符，请用 make received FILE=文件名 AT=收到时间 更正后重新运行本月。",
    ),
    "run-received-after-as-of": Entry(
        "info",
        "接收时间存疑",
        "注意：{count} 个文件的修改时间晚于统计截止日期 {as_of}，可能是复制文件的时间，是否按时报送据此判断。如与实际不符，请用 make received FILE=文件名 AT=收到时间 更正后重新运行本月。",
    ),
    "inbox-link": Entry(
        "warning",
        "快捷方式未读取",
        "这是一个快捷方式（链接），可能指向收件箱以外的文件，不予读取，仍留在收件箱中。请把文件本身放进收件箱。",
        office_only=True,
    ),
    "inbox-not-file": Entry(
        "warning",
        "不是普通文件",
        "这不是普通文件（可能是管道或设备），不予读取，仍留在收件箱中。",
        office_only=True,
    ),
    "inbox-too-deep": Entry(
        "warning",
        "文件夹嵌套过深",
        "这个文件夹在收件箱中嵌套超过 {depth} 层，其中的文件没有读取。请把文件移到收件箱或其下几层文件夹中。",
        office_only=True,
    ),
    "inbox-folder-unreadable": Entry(
        "warning",
        "文件夹无法打开",
        "这个文件夹无法打开（没有读取权限），其中的文件没有读取。",
        office_only=True,
    ),
    "run-saved-again": Entry(
        "info",
        "收到后又被改存",
        "以下 {count} 个文件已按收到的版本登记，之后又被改存：新版本留在收件箱，下次运行时处理：{names}",
    ),
    "run-ledger": Entry(
        "info", "台账概况", "台账共 {total} 个问题：已完成 {done}，红灯 {red}，黄灯 {yellow}，移交纪委 {escalated}。"
    ),
    "run-matters": Entry(
        "info", "交办事项概况", "交办事项共 {total} 件：已办结 {done}，红灯 {red}，移交纪委 {escalated}。"
    ),
    "run-outputs-kept": Entry("info", "报表未变", "台账和模板均无变化，本月报表与上次运行生成的相同，已保留原文件。"),
    "run-output-dir": Entry("info", "输出目录", "输出目录：{path}"),
    "receive-new": Entry("info", "已登记", "已登记：{name}，收到时间 {at}"),
    "receive-known": Entry("info", "此前已登记", "此前已登记或已处理：{name}，收到时间 {at}"),
    "receive-nothing": Entry("info", "收件箱为空", "收件箱中没有文件。"),
    "received-done": Entry(
        "info", "接收时间已更正", "已记录：{name} 的接收时间为 {at}（已记入审计记录），本月运行时按此时间判断是否按时。"
    ),
    "received-done-rerun": Entry(
        "info",
        "接收时间已更正",
        "已记录：{name} 的接收时间为 {at}（已记入审计记录）。请在收件箱为空时运行 make monthly AS_OF={as_of}，重新生成该月报表。",
    ),
    "templates-written": Entry("info", "模板已生成", "已生成 {count} 个单位的模板，位于 {folder}"),
    "audit-failed": Entry("info", "审计核验未通过", "审计核验未通过，发现 {count} 处问题："),
    "audit-passed": Entry("info", "审计核验通过", "审计核验通过：记录链完整，归档文件均未被改动。"),
    "audit-no-records": Entry("info", "没有收件记录", "没有收件记录。"),
    "audit-no-records-unit": Entry("info", "没有收件记录", "没有“{unit}”的收件记录。"),
    # audit show (pipeline/terminal.py): the table's title and each record's one-line digest
    "audit-show-title": Entry("info", "收件记录", "收件记录（共 {count} 个文件）"),
    "audit-show-unit-title": Entry("info", "单位报送记录", "{unit}的报送记录（共 {count} 个文件）"),
    "digest-passed": Entry("info", "校验通过", "校验通过"),
    "digest-superseded": Entry("info", "已被替代", "已被同月后报的“{newer}”替代"),
    "digest-errors": Entry("info", "错误数", "{count} 处错误"),
    "digest-warnings": Entry("info", "提醒数", "{count} 条提醒"),
    "unit-not-identified": Entry("info", "未识别", "（未识别）"),  # a file's unit where none could be told
    "file-written": Entry("info", "已生成", "已生成：{path}"),
    # --- command-line mistakes (pipeline/cli.py: click's own English never shows) ---------------
    "cli-error": Entry("error", "错误", "错误：{text}"),
    "cli-no-such-command": Entry(
        "error",
        "没有这个命令",
        "没有“{name}”这个命令。{suggest}可用的命令有：{commands}。运行 {command} --help 查看说明。",
    ),
    "cli-missing-command": Entry(
        "error", "缺少命令", "{command} 后面要写一个命令：{commands}。运行 {command} --help 查看说明。"
    ),
    "cli-no-such-option": Entry(
        "error", "没有这个选项", "{command} 没有“{name}”这个选项。{suggest}运行 {command} --help 查看可用的选项。"
    ),
    "cli-did-you-mean": Entry("info", "相近的写法", "是不是要写 {names}？"),
    "cli-missing-option": Entry(
        "error", "缺少必填选项", "{command} 必须写上 {usage}：{help}运行 {command} --help 查看说明。"
    ),
    "cli-option-needs-value": Entry("error", "选项缺少值", "选项 {option} 后面要写上它的值，写作 {usage}：{help}"),
    "cli-bad-value": Entry("error", "选项的值不正确", "选项 {option} 的值不正确：{detail}"),
    "cli-bad-value-unknown": Entry(
        "error", "选项的值不正确", "选项 {option} 的值不正确。运行 {command} --help 查看这个选项的写法。"
    ),
    "cli-extra-arguments": Entry(
        "error", "多余的内容", "{command} 后面多了“{extra}”，无法理解。运行 {command} --help 查看用法。"
    ),
    "cli-usage": Entry("error", "命令写法有误", "命令的写法有误。运行 {command} --help 查看用法。"),
    "cli-failed": Entry("error", "命令未完成", "命令没有完成。运行 {command} --help 查看用法。"),
    "cli-aborted": Entry("error", "已中断", "已中断。"),
    "cli-bad-date": Entry("error", "日期不正确", "“{value}”不是有效日期，应写作 2022-04-30 这样的格式。"),
    "cli-bad-month": Entry("error", "月份不正确", "“{value}”不是有效月份，应写作 2022-03 这样的格式。"),
    "cli-bad-choice": Entry("error", "不是可选的值", "“{value}”不是可选的值，应写 {choices}。"),
    "cli-bad-integer": Entry("error", "不是整数", "“{value}”不是整数，应写一个数，如 2022。"),
    "cli-data-is-file": Entry(
        "error",
        "不是文件夹",
        "“{value}”是一个文件，不是文件夹；这里应写工作目录（含 campaign.toml、inbox/ 的文件夹）。",
    ),
    "demo-done": Entry(
        "info",
        "演示完成",
        "演示完成。各月输出位于 {out}/YYYY-MM/（总台账.xlsx、通报.docx 等）。\n"
        "领导汇报材料位于 {out}/2022年半年报告/ 和 {out}/2022年年度报告/（报告 .docx 与 汇总.xlsx）。",
    ),
}


@dataclass(frozen=True)
class Message:
    """One finding about one file, optionally about one cell."""

    code: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def level(self) -> Level:
        return CATALOGUE[self.code].level

    @property
    def title(self) -> str:
        return CATALOGUE[self.code].title

    @property
    def body(self) -> str:
        return render_text(self.code, self.params)

    @property
    def where(self) -> str:
        parts = [
            p
            for p in (
                f"文件“{self.file}”" if self.file else "",
                f"工作表“{self.sheet}”" if self.sheet else "",
                self.cell and f"{self.cell} 单元格",
            )
            if p
        ]
        return "，".join(parts)

    @property
    def row(self) -> int:
        """The Excel row of ``cell`` ("C7" → 7); 0 for a message about no one cell."""
        digits = "".join(ch for ch in self.cell if ch.isdigit())
        return int(digits) if digits else 0

    @property
    def column(self) -> str:
        """The column letters of ``cell`` ("C7" → "C"); empty for a message about no one cell."""
        return "".join(ch for ch in self.cell if ch.isalpha())

    @property
    def expected(self) -> str:
        """What the cell should hold instead (empty where the message says it all)."""
        entry = CATALOGUE.get(self.code)
        if entry is None or not entry.expect:
            return ""
        try:
            return entry.expect.format(**self.params)
        except (KeyError, IndexError):
            return entry.expect

    @property
    def found(self) -> str:
        """The value found in the cell, as the message quotes it."""
        value = self.params.get("value", "")
        return "" if value is None else str(value)

    @property
    def text(self) -> str:
        """The sentence a clerk reads: where, then what is wrong and what is expected."""
        where = self.where
        return f"{where}：{self.body}" if where else self.body


def render_text(code: str, params: dict[str, Any]) -> str:
    entry = CATALOGUE.get(code)
    if entry is None:
        return f"{code}: {params}"
    try:
        return entry.template.format(**params)
    except (KeyError, IndexError):
        return f"{entry.title}：{params}"


def has_errors(messages: list[Message]) -> bool:
    return any(m.level == "error" for m in messages)
