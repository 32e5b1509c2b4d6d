// Dashboards (编制看板, 党建看板): fills the page from the JSON endpoints under /api/v1/dashboards/.
//
// Markup, written by the templates under templates/reports/dashboards/:
//   <div data-chart="TYPE" data-chart-url="/api/v1/…" data-empty="无数据时的说明"></div>
//     TYPE is an ECharts chart (CHARTS below) or a small HTML block (BLOCKS below);
//   <span data-chart-url="/api/v1/…" data-bind="text" data-path="ledger.overdue" [data-suffix="%"]></span>
//   <a data-chart-url="/api/v1/…" data-bind="href" data-path="latest_run.url" hidden>…</a>
// Each URL is fetched once (same origin, the browser session), whatever the number of elements using it.
// Every container ends with data-state="ready", "empty" or "error". No inline script: the page stays CSP-friendly.
(() => {
  "use strict";

  const PALETTE = ["#b71c1c", "#1f4e79", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#ef6c00", "#5d4037",
    "#455a64", "#ad1457", "#9e9d24", "#283593", "#00695c", "#8d6e63", "#546e7a"];
  const STATE_COLOURS = {done: "#198754", due: "#ffc107", overdue: "#dc3545"};
  const OVERDUE_COLOUR = "#dc3545";
  const charts = [];
  const sources = new Map();

  function load(url) {
    if (!sources.has(url)) {
      sources.set(url, fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(async (response) => {
          const body = await response.json().catch(() => null);
          if (!response.ok) {
            throw new Error(body && body.message ? body.message : `HTTP ${response.status}`);
          }
          if (body === null) {
            throw new Error("返回的数据格式不正确");
          }
          return body;
        }));
    }
    return sources.get(url);
  }

  function pick(data, path) {
    return path.split(".").reduce((value, key) => (value === null || value === undefined ? value : value[key]), data);
  }

  function setState(el, state, message) {
    el.dataset.state = state;
    el.removeAttribute("aria-busy");
    if (message === undefined) {
      return;
    }
    const note = document.createElement("div");
    // Inside a chart's fixed-height box the note is centred; in a table or list block it is a plain line.
    note.className = `${el.classList.contains("bb-chart") ? "bb-chart-state " : ""}${
      state === "error" ? "text-danger" : "text-secondary"}`;
    if (state === "error") {
      note.setAttribute("role", "alert");
    }
    note.textContent = message;
    el.replaceChildren(note);
  }

  const integer = {type: "value", minInterval: 1};
  const legend = {type: "scroll", top: 0};
  const grid = {left: 8, right: 16, top: 40, bottom: 8, containLabel: true};

  // ECharts options per chart type. Each returns an option, or a string (the empty-state message) / null (the
  // container's data-empty message) when there is nothing to draw.
  const CHARTS = {
    "quota-by-kind"(data) {
      const rows = data.quota_by_kind;
      if (!rows.length) {
        return null;
      }
      const series = [["核定", "approved"], ["实有", "occupied"], ["已核准未入编", "reserved"], ["空编", "vacant"]]
        .map(([name, key]) => ({name, type: "bar", data: rows.map((r) => r[key])}));
      if (rows.some((r) => r.over > 0)) {
        series.push({name: "超编", type: "bar", itemStyle: {color: OVERDUE_COLOUR}, data: rows.map((r) => r.over)});
      }
      return {
        tooltip: {trigger: "axis"}, legend, grid,
        xAxis: {type: "category", data: rows.map((r) => r.label)},
        yAxis: integer,
        series,
      };
    },

    "ledger-status"(data) {
      const ledger = data.ledger;
      if (!ledger.total) {
        return null;
      }
      const bars = ledger.by_status.map((s) => ({name: s.label, value: s.count}));
      bars.push({name: "逾期未销号", value: ledger.overdue, itemStyle: {color: OVERDUE_COLOUR}});
      return {
        tooltip: {trigger: "axis"}, grid: {...grid, top: 16},
        xAxis: {type: "category", data: bars.map((b) => b.name)},
        yAxis: integer,
        series: [{name: "问题数", type: "bar", data: bars, label: {show: true, position: "top"}}],
      };
    },

    "findings-by-rule"(data) {
      const run = data.latest_run;
      if (!run) {
        return null;
      }
      const rules = run.by_rule.filter((r) => r.count > 0).sort((a, b) => a.count - b.count);
      if (!rules.length) {
        return `${run.scope}（基准日 ${run.as_of}）的核查在您的范围内未发现问题`;
      }
      return {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend, grid,
        xAxis: integer,
        yAxis: {type: "category", data: rules.map((r) => r.title)},
        series: [
          {name: "新发现", type: "bar", stack: "findings", data: rules.map((r) => r.new)},
          {name: "仍存在", type: "bar", stack: "findings", data: rules.map((r) => r.count - r.new)},
        ],
      };
    },

    "activities-by-month"(data) {
      const activities = data.activities;
      if (!activities.total) {
        return null;
      }
      return {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend, grid,
        xAxis: {type: "category", data: activities.months},
        yAxis: integer,
        series: activities.series.map((s) => ({
          name: s.label, type: "bar", stack: "activities", emphasis: {focus: "series"}, data: s.counts})),
      };
    },

    "compliance-status"(data) {
      const states = data.compliance.states;
      if (!states.some((s) => s.count > 0)) {
        return null;
      }
      return {
        tooltip: {trigger: "item", formatter: "{b}：{c} 项（{d}%）"},
        legend: {...legend, data: states.map((s) => s.label)},
        series: [{
          name: "组织生活落实情况", type: "pie", radius: ["40%", "70%"], top: 24,
          label: {formatter: "{b}\n{c} 项"},
          // Zero slices would only stack their labels on top of each other; the legend still lists every state.
          data: states.filter((s) => s.count > 0)
            .map((s) => ({name: s.label, value: s.count, itemStyle: {color: STATE_COLOURS[s.state]}})),
        }],
      };
    },

    "attendance-by-month"(data) {
      const attendance = data.attendance;
      if (!attendance.due) {
        return null;
      }
      const months = attendance.months;
      return {
        tooltip: {
          trigger: "axis",
          formatter(params) {
            const m = months[params[0].dataIndex];
            return m.rate === null ? `${m.label}：无应到人次` : `${m.label}：出席率 ${m.rate}%（实到 ${m.present} / 应到 ${m.due}）`;
          },
        },
        grid: {...grid, top: 24},
        xAxis: {type: "category", data: months.map((m) => m.label)},
        yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
        series: [{name: "出席率", type: "line", connectNulls: false, symbolSize: 8, showAllSymbol: true,
          data: months.map((m) => (m.rate === null ? "-" : m.rate))}],
      };
    },

    "campaign-by-role"(data) {
      const visits = data.visits;
      if (!visits.visits) {
        return null;
      }
      const roles = visits.by_role;
      return {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend, grid,
        xAxis: {type: "category", data: roles.map((r) => r.label)},
        yAxis: integer,
        series: [
          {name: "户数", type: "bar", label: {show: true, position: "top"}, data: roles.map((r) => r.households)},
          {name: "人数", type: "bar", label: {show: true, position: "top"}, data: roles.map((r) => r.people)},
        ],
      };
    },
  };

  function link(href, text) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function cell(tag, content, className) {
    const td = document.createElement(tag);
    if (className) {
      td.className = className;
    }
    td.append(content);
    return td;
  }

  // Small HTML blocks, built with DOM calls (names are text, never markup). Each returns an element, or null when
  // there is nothing to show.
  const BLOCKS = {
    "over-quota-table"(data) {
      const top = data.over_quota.top;
      if (!top.length) {
        return null;
      }
      const table = document.createElement("table");
      table.className = "table table-sm table-hover align-middle mb-0";
      const head = document.createElement("tr");
      head.append(cell("th", "单位"), cell("th", "超编人数", "text-end"), cell("th", "超编编制（条）", "text-end"));
      table.createTHead().append(head);
      const body = table.createTBody();
      for (const unit of top) {
        const row = document.createElement("tr");
        row.append(cell("td", link(unit.url, unit.name)), cell("td", String(unit.over), "text-end text-danger fw-semibold"),
          cell("td", String(unit.lines), "text-end"));
        body.append(row);
      }
      return table;
    },

    "campaign-list"(data) {
      const campaigns = data.visits.campaigns;
      if (!campaigns.length) {
        return null;
      }
      const list = document.createElement("ul");
      list.className = "list-unstyled mb-0";
      for (const c of campaigns) {
        const item = document.createElement("li");
        item.append(link(c.url, c.title), ` （${c.starts_on} 至 ${c.ends_on}）`);
        list.append(item);
      }
      if (data.visits.summary) {
        const summary = document.createElement("li");
        summary.className = "text-secondary";
        summary.textContent = data.visits.summary;
        list.append(summary);
      }
      return list;
    },
  };

  function draw(el, data) {
    const type = el.dataset.chart;
    const empty = el.dataset.empty || "暂无数据";
    if (BLOCKS[type]) {
      const block = BLOCKS[type](data);
      if (block === null) {
        setState(el, "empty", empty);
      } else {
        el.replaceChildren(block);
        setState(el, "ready");
      }
      return;
    }
    if (!CHARTS[type]) {
      throw new Error(`未知的图表类型：${type}`);
    }
    if (typeof window.echarts === "undefined") {
      throw new Error("图表组件未能加载");
    }
    const option = CHARTS[type](data);
    if (option === null || typeof option === "string") {
      setState(el, "empty", option || empty);
      return;
    }
    el.replaceChildren();
    const chart = window.echarts.init(el, null, {renderer: "canvas"});
    chart.setOption({color: PALETTE, aria: {enabled: true}, animationDuration: 400, ...option});
    charts.push(chart);
    setState(el, "ready");
  }

  function bind(el, data) {
    const value = pick(data, el.dataset.path);
    if (el.dataset.bind === "href") {
      if (value) {
        el.href = value;
        el.hidden = false;
      } else {
        el.hidden = true;
      }
    } else {
      el.textContent = value === null || value === undefined ? "—" : `${value}${el.dataset.suffix || ""}`;
    }
    el.dataset.state = "ready";
  }

  function start() {
    for (const el of document.querySelectorAll("[data-chart][data-chart-url]")) {
      load(el.dataset.chartUrl)
        .then((data) => draw(el, data))
        .catch((error) => setState(el, "error", `图表数据加载失败：${error.message}。请刷新页面重试。`));
    }
    for (const el of document.querySelectorAll("[data-bind][data-chart-url]")) {
      load(el.dataset.chartUrl)
        .then((data) => bind(el, data))
        .catch(() => {
          el.textContent = "—";
          el.dataset.state = "error";
        });
    }
    let queued = false;
    window.addEventListener("resize", () => {
      if (queued) {
        return;
      }
      queued = true;
      window.requestAnimationFrame(() => {
        queued = false;
        charts.forEach((chart) => chart.resize());
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
