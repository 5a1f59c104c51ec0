# 乡镇干部作风整顿问题清单汇总 — make targets. Every target sets up .venv itself.
# `make` alone (= `make help`) lists the targets in Chinese: the text after "## " on a target's
# line is its entry in that list, so a new target documents itself there.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data
AS_OF  ?=
PERIOD ?= year
DEMO   ?= demo
UNIT   ?=
FILE   ?=
AT     ?=

.DEFAULT_GOAL := help
.PHONY: help setup demo monthly receive received restore templates summary audit audit-show test lint bench clean

# A clerk's command that fails has already said why, in Chinese; GNU make would then add
# "make: *** [Makefile:N: monthly] Error 2" in English. So the clerk's targets run the pipeline
# through $(call pipeline,ARGS): on failure the recipe sends SIGPIPE to make itself ($$PPID is
# the make that started the recipe's shell). GNU make does not handle SIGPIPE, so it ends at
# once, printing nothing, with status 141 (still a failure for scripts), and shells print
# nothing for a death by SIGPIPE. setup, lint and test fail the normal way, for CI.
pipeline = @$(BIN)/python -m pipeline $(1) || kill -s PIPE $$PPID

# Python caches a module's compiled bytecode in __pycache__/ so that the next start only loads it;
# where PYTHONDONTWRITEBYTECODE is set (as on some servers and CI machines) it never writes that
# cache, and every run compiles the whole program again from source (some tenths of a second of a
# township's month). So the libraries are compiled as pip installs them (--compile, pip's default,
# said explicitly), and the program's own packages by compileall, at install and at every `make
# setup` (a module changed since is compiled again: Python never uses a cache older than its source).
COMPILE = $(BIN)/python -m compileall -q pipeline demo_campaign tools

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --compile -e '.[test,demo]'
	$(COMPILE)
	touch $(STAMP)

help:  ## 列出全部命令（直接运行 make 也是这个）
	@echo "用法：make 命令 [设置=值 …]，例如 make monthly AS_OF=2022-04-30"
	@echo "工作目录默认是 data，可用 DATA=目录 指定其他目录。"
	@echo
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  make %-11s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

setup: $(STAMP)  ## 安装运行环境（.venv）；其他命令会自动安装，一般不用单独运行
	$(COMPILE)

demo: $(STAMP)  ## 演示：生成示例乡镇，逐月运行 3 月至 11 月，再出半年和年度报告，输出在 demo/out/
	$(call pipeline,--data '$(DEMO)' demo)

monthly: $(STAMP)  ## 月度汇总：make monthly [AS_OF=2022-04-30] [DATA=data]
	$(call pipeline,--data '$(DATA)' monthly $(if $(AS_OF),--as-of '$(AS_OF)'))

receive: $(STAMP)  ## 收件登记：收到文件的当天运行，登记收件箱中新文件的收到时间（不做汇总）
	$(call pipeline,--data '$(DATA)' receive)

received: $(STAMP)  ## 更正接收时间：make received FILE=文件名 AT=2022-04-20[ 09:30]
	$(call pipeline,--data '$(DATA)' received --file '$(FILE)' --at '$(AT)')

restore: $(STAMP)  ## 从 backup/ 中最近的备份恢复台账（台账丢失、损坏或被直接改动时）
	$(call pipeline,--data '$(DATA)' restore)

templates: $(STAMP)  ## 为名单中每个单位生成空白问题清单模板（输出在 data/out/模板/）
	$(call pipeline,--data '$(DATA)' templates)

summary: $(STAMP)  ## 领导汇报材料：make summary PERIOD=half|year [AS_OF=2022-06-30]
	$(call pipeline,--data '$(DATA)' summary --period '$(PERIOD)' $(if $(AS_OF),--as-of '$(AS_OF)'))

audit: $(STAMP)  ## 核验收件记录、归档文件和台账本身有没有被改动（发现改动时以非零状态退出）
	$(call pipeline,--data '$(DATA)' audit verify)

audit-show: $(STAMP)  ## 列出收件记录：make audit-show [UNIT=单位名称或代码]
	$(call pipeline,--data '$(DATA)' audit show $(if $(UNIT),--unit '$(UNIT)'))

lint: $(STAMP)  ## 代码检查（ruff、mypy）
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The tests run on two workers (pytest-xdist): the machines, CI's included, have two cores, and a
# test's own monthly run already starts one reading process per core. --dist loadfile keeps each
# test file on one worker, so a module's expensive fixture (a whole demo, a township's months) is
# built once, not on both. `make test PYTEST_WORKERS=0` runs them in one process;
# `.venv/bin/python -m pytest tests/test_x.py` needs no xdist options.
PYTEST_WORKERS := 2

test: lint  ## 代码检查和全部测试
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

bench: $(STAMP)  ## 性能测试：县级和乡镇规模的一个月
	$(BIN)/python -m tools.bench

clean:  ## 删除演示目录和缓存
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache
