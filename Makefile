# bianban — the two commands that matter: `make run` and `make test`. Both work from a fresh clone on a
# machine with only Python ≥ 3.11 and pip (uv is installed into the venv and used when it installs cleanly).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint fmt demo serve lock clean help load

help:
	@echo "make run   — 创建 .venv、安装依赖、迁移数据库、载入演示数据并启动服务 http://$(HOST):$(PORT)"
	@echo "make test  — 安装开发依赖并运行全部测试"
	@echo "make lint  — ruff 检查"
	@echo "make load  — 负载测试：合成省级规模数据，多角色并发读写 bianban serve 60 秒并重启服务，之后校验不超编、计数器和已确认的写入"
	@echo "             （默认 SQLite；DATABASE_URL=postgres://… make load 在该服务器上新建临时数据库；LOAD_SECONDS 等见 benchmarks/load/run.py）"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	-$(BIN)/python -m pip install -q uv

# Install a pinned requirements file, then bianban itself (editable, for the `bianban` console script).
define install
	if [ -x $(BIN)/uv ]; then \
	  $(BIN)/uv pip install -q --python $(BIN)/python -r $(1) && \
	  $(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e . ; \
	else \
	  $(BIN)/python -m pip install -q -r $(1) && \
	  $(BIN)/python -m pip install -q --no-deps -e . ; \
	fi
endef

$(VENV)/.base: $(BIN)/python requirements/base.txt pyproject.toml
	@$(call install,requirements/base.txt)
	@touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	@$(call install,requirements/dev.txt)
	@touch $@

run: $(VENV)/.base
	$(BIN)/bianban migrate --noinput -v0
	$(BIN)/bianban collectstatic --noinput -v0
	$(BIN)/bianban demo
	$(BIN)/bianban serve --host $(HOST) --port $(PORT)

demo: $(VENV)/.base
	$(BIN)/bianban migrate --noinput -v0
	$(BIN)/bianban demo

test: $(VENV)/.dev
	@$(BIN)/python -m bianban.core.testenv
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

fmt: $(VENV)/.dev
	$(BIN)/ruff check --fix .

# Load test on loopback (benchmarks/load/run.py): a scratch database (var/load/ or a new PostgreSQL database on the
# server DATABASE_URL names), never the user's own.
load: $(VENV)/.dev
	$(BIN)/python benchmarks/load/run.py

# Re-pin the lock files after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/uv pip compile -q --python-version 3.11 pyproject.toml -o requirements/base.txt
	$(BIN)/uv pip compile -q --python-version 3.11 --extra dev pyproject.toml -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles e2e/artifacts
