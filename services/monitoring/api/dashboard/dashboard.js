/* Woonregie monitoring dashboard: fetches the JSON API every few seconds and draws the
   charts with the plotly bundle served by this service. Every chart has a text summary
   (aria-label) and a data table; suppressed cells (public view) show as "<5". */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var T = config.texts;
  var locale = config.lang === "en" ? "en-GB" : "nl-NL";
  var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var SUPPRESSED = "<" + config.threshold;
  var COLOURS = { "on-track": "#1b6e36", behind: "#b3261e", ahead: "#1f5fa8", none: "#5f6b7a" };
  var PLOT_CONFIG = { displayModeBar: false, responsive: true };
  var BASE_LAYOUT = {
    margin: { l: 56, r: 56, t: 16, b: 96 },
    font: { family: "system-ui, Segoe UI, Roboto, Arial, sans-serif", size: 13, color: "#1a1a1a" },
    paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff",
    legend: { orientation: "h", y: -0.25 },
    separators: config.lang === "en" ? ".," : ",.",
    xaxis: { automargin: true }, yaxis: { automargin: true, rangemode: "tozero", gridcolor: "#e3e6ea" }
  };

  var form = document.getElementById("filters");
  var periodSelect = document.getElementById("f-period");
  var scopeSelect = document.getElementById("f-scope");
  var groupSelect = document.getElementById("f-group");
  var autoRefresh = document.getElementById("f-auto");
  var loading = false;
  var disclosureSuppressed = true;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return values[key] === undefined ? "{" + key + "}" : values[key];
    });
  }

  function fmt(value) {
    if (value === null || value === undefined) { return "–"; }
    return typeof value === "number" ? numbers.format(value) : String(value);
  }

  function fmtCount(value) {
    if (value === null || value === undefined) { return disclosureSuppressed ? SUPPRESSED : "–"; }
    return fmt(value);
  }

  function statusLabel(status) {
    return status ? T["status_" + status] || status : T.no_status;
  }

  function placeName(row) {
    if (row.municipality === "all") { return T.all; }
    return row.name ? row.name + " (" + row.municipality + ")" : row.municipality;
  }

  function shortName(row) {
    return row.municipality === "all" ? T.all : row.name || row.municipality;
  }

  function query() {
    var params = new URLSearchParams();
    params.set("period", periodSelect.value);
    params.set("scope", scopeSelect.value);
    if (groupSelect.value && groupSelect.value !== "all") { params.set("targetGroup", groupSelect.value); }
    return params;
  }

  function getJson(path, params) {
    var url = "/v1/" + path + (params ? "?" + params.toString() : "");
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(path + ": HTTP " + response.status); }
      return response.json();
    });
  }

  /* --- filters ------------------------------------------------------------------------ */

  function setOptions(select, groups, selected) {
    var seen = {};
    var fragment = document.createDocumentFragment();
    groups.forEach(function (group) {
      var parent = fragment;
      if (group.label) {
        parent = document.createElement("optgroup");
        parent.label = group.label;
        fragment.appendChild(parent);
      }
      group.options.forEach(function (option) {
        var element = document.createElement("option");
        element.value = option.value;
        element.textContent = option.label;
        element.selected = option.value === selected;
        seen[option.value] = true;
        parent.appendChild(element);
      });
    });
    if (!seen[selected]) {
      var extra = document.createElement("option");
      extra.value = selected;
      extra.textContent = selected;
      extra.selected = true;
      fragment.appendChild(extra);
    }
    var signature = JSON.stringify(groups);
    if (select.dataset.signature === signature) { return; }
    select.dataset.signature = signature;
    select.replaceChildren(fragment);
  }

  function updateOptions(options) {
    setOptions(periodSelect, [{ options: options.periods.map(function (p) { return { value: p, label: p }; }) }],
      periodSelect.value);
    setOptions(scopeSelect, [
      { options: [{ value: "province", label: T.province }] },
      { label: T.regions, options: options.regions.map(function (r) { return { value: r, label: r }; }) },
      { label: T.municipalities, options: options.municipalities.map(function (m) {
        return { value: m.code, label: m.name ? m.name + " (" + m.code + ")" : m.code };
      }) }
    ], scopeSelect.value);
  }

  function syncLinks(params) {
    var pageParams = new URLSearchParams(params);
    pageParams.set("lang", config.lang);
    window.history.replaceState(null, "", "/?" + pageParams.toString());
    var other = new URLSearchParams(params);
    other.set("lang", config.lang === "nl" ? "en" : "nl");
    document.getElementById("lang-toggle").href = "/?" + other.toString();
    document.querySelectorAll(".csv-link").forEach(function (link) {
      var base = link.getAttribute("href").split("?")[0];
      var linkParams = link.id === "csv-households" ? householdParams(params) : params;
      link.href = base + "?" + linkParams.toString();
    });
  }

  /* --- tables ------------------------------------------------------------------------- */

  function table(containerId, caption, columns, rows) {
    var container = document.getElementById(containerId);
    if (!rows.length) {
      container.textContent = T.no_data;
      return;
    }
    var element = document.createElement("table");
    var captionElement = element.createCaption();
    captionElement.textContent = caption;
    var headRow = element.createTHead().insertRow();
    columns.forEach(function (column) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = column.label;
      headRow.appendChild(th);
    });
    var body = element.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      columns.forEach(function (column, index) {
        var cell = document.createElement(index === 0 ? "th" : "td");
        if (index === 0) { cell.scope = "row"; }
        var value = column.value(row);
        cell.textContent = column.count ? fmtCount(value) : fmt(value);
        if (column.className) { cell.className = column.className(row); }
        tr.appendChild(cell);
      });
    });
    container.replaceChildren(element);
  }

  /* Draws a chart; with nothing to show (no values, zeros, or only suppressed cells) a note
     instead of empty axes. */
  function draw(id, traces, layout, summary, values) {
    var element = document.getElementById(id);
    var full = Object.assign({}, BASE_LAYOUT, layout || {});
    var note = null;
    var shown = values.filter(function (v) { return typeof v === "number" && v !== 0; });
    if (!shown.length) {
      note = values.indexOf(null) >= 0 ? T.suppressed_note : T.no_data;
    }
    if (note) {
      traces = [];
      full = Object.assign({}, full, {
        xaxis: { visible: false }, yaxis: { visible: false }, yaxis2: { visible: false },
        annotations: [{ text: note, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5,
                        font: { size: 15, color: "#1a1a1a" } }]
      });
      summary = note;
    }
    element.setAttribute("aria-label", summary);
    window.Plotly.react(element, traces, full, PLOT_CONFIG);
  }

  function pick(rows, key) { return rows.map(function (row) { return row[key]; }); }

  /* --- charts ------------------------------------------------------------------------- */

  function renderKpis(report) {
    var total = report.total;
    document.getElementById("kpi-target").textContent = fmt(total.target);
    document.getElementById("kpi-realised").textContent = fmtCount(total.realised);
    document.getElementById("kpi-expected").textContent = fmt(total.expectedToDate);
    document.getElementById("kpi-lag").textContent = fmt(total.lag);
    var status = document.getElementById("kpi-status");
    status.textContent = total.status ? statusLabel(total.status) : "–";
    status.className = total.status ? "status-" + total.status : "";
  }

  function renderRealisation(report) {
    var rows = report.municipalities;
    var x = rows.map(shortName);
    var counts = { "on-track": 0, behind: 0, ahead: 0 };
    rows.forEach(function (row) { if (row.status) { counts[row.status] += 1; } });
    draw("chart-realisation", [
      { type: "bar", name: T.realised, x: x, y: pick(rows, "realised"),
        marker: { color: rows.map(function (r) { return COLOURS[r.status || "none"]; }) },
        text: rows.map(function (r) { return r.status ? statusLabel(r.status) : ""; }),
        textposition: "outside", cliponaxis: false },
      { type: "scatter", mode: "markers", name: T.expected_band, x: x, y: pick(rows, "expectedToDate"),
        marker: { symbol: "line-ew-open", size: 22, color: "#1a1a1a", line: { width: 3 } },
        error_y: { type: "data", array: pick(rows, "tolerance"), visible: true, color: "#4a4a4a", thickness: 2 } },
      { type: "scatter", mode: "markers", name: T.target, x: x, y: pick(rows, "target"),
        marker: { symbol: "diamond", size: 11, color: "#6a3d9a" } }
    ], { barmode: "group", showlegend: true }, say(T.alt_realisation, {
      n: rows.length, ontrack: counts["on-track"], behind: counts.behind, ahead: counts.ahead
    }), pick(rows, "realised").concat(pick(rows, "target")));
    var columns = [
      { label: T.municipality, value: placeName },
      { label: T.target, value: function (r) { return r.target; } },
      { label: T.realised, value: function (r) { return r.realised; }, count: true },
      { label: T.expected, value: function (r) { return r.expectedToDate; } },
      { label: T.lag, value: function (r) { return r.lag; } },
      { label: T.status, value: function (r) { return r.status ? statusLabel(r.status) : null; },
        className: function (r) { return r.status ? "status-" + r.status : ""; } }
    ];
    if (report.targetGroup !== "all") {
      var byGroup = {};
      report.byTargetGroup.forEach(function (r) {
        byGroup[r.level === "municipality" ? r.municipality : "all"] = r.realised;
      });
      columns.splice(3, 0, { label: T.realised + " (" + report.targetGroup + ")", count: true,
        value: function (r) { return byGroup[r.municipality] === undefined ? 0 : byGroup[r.municipality]; } });
    }
    table("table-realisation", T.chart_realisation, columns,
      rows.concat([Object.assign({}, report.total, { municipality: "all" })]));
  }

  function renderSeries(series) {
    var points = series.points;
    var last = points.length ? points[points.length - 1] : {};
    draw("chart-series", [
      { type: "scatter", mode: "lines+markers", name: T.realised, x: pick(points, "date"),
        y: pick(points, "realised"), line: { color: COLOURS.ahead, width: 3 } },
      { type: "scatter", mode: "lines", name: T.expected, x: pick(points, "date"),
        y: pick(points, "expectedToDate"), line: { color: "#1a1a1a", dash: "dash", width: 2 } },
      { type: "scatter", mode: "lines", name: T.target, x: pick(points, "date"),
        y: pick(points, "target"), line: { color: "#6a3d9a", dash: "dot", width: 2 } }
    ], {}, say(T.alt_series, { realised: fmtCount(last.realised), expected: fmt(last.expectedToDate) }),
      pick(points, "realised"));
    table("table-series", T.chart_series, [
      { label: T.date, value: function (r) { return r.date; } },
      { label: T.realised, value: function (r) { return r.realised; }, count: true },
      { label: T.expected, value: function (r) { return r.expectedToDate; } },
      { label: T.target, value: function (r) { return r.target; } }
    ], points);
  }

  var INFLOW = ["registered", "urgencyGranted", "returned"];
  var OUTFLOW = ["housed", "withdrawn", "expired"];
  var FLOW_COLOURS = { registered: "#0b4f9c", urgencyGranted: "#2c6cb0", returned: "#6a3d9a",
                       housed: "#1b6e36", withdrawn: "#8a5a00", expired: "#b3261e" };

  function renderFlows(flows) {
    var months = flows.months;
    var traces = INFLOW.map(function (kind) {
      return { type: "bar", name: T[kind] + " (" + T.inflow + ")", x: pick(months, "month"),
               y: pick(months, kind), marker: { color: FLOW_COLOURS[kind] } };
    }).concat(OUTFLOW.map(function (kind) {
      return { type: "bar", name: T[kind] + " (" + T.outflow + ")", x: pick(months, "month"),
               y: months.map(function (m) { return m[kind] === null ? null : -m[kind]; }),
               customdata: pick(months, kind), hovertemplate: "%{customdata}",
               marker: { color: FLOW_COLOURS[kind] } };
    }));
    draw("chart-flows", traces, { barmode: "relative", yaxis: Object.assign({}, BASE_LAYOUT.yaxis, { rangemode: "normal" }) },
      say(T.alt_flows, { n: months.length }),
      months.reduce(function (all, m) {
        return all.concat(INFLOW.concat(OUTFLOW).map(function (kind) { return m[kind]; }));
      }, []));
    table("table-flows", T.chart_flows, [{ label: T.month, value: function (r) { return r.month; } }]
      .concat(INFLOW.concat(["urgencyRefused"], OUTFLOW).map(function (kind) {
        return { label: T[kind], value: function (r) { return r[kind]; }, count: true };
      })), months);
  }

  function renderWaits(waits) {
    var group = waits.targetGroup;
    var rows = waits.rows.filter(function (r) { return r.targetGroup === group; });
    var places = rows.filter(function (r) { return r.municipality !== "all"; });
    var overall = rows.filter(function (r) { return r.municipality === "all"; })[0] || {};
    draw("chart-waits", [
      { type: "bar", name: T.median, x: places.map(shortName), y: pick(places, "medianDays"),
        marker: { color: "#0b4f9c" } },
      { type: "bar", name: T.p90, x: places.map(shortName), y: pick(places, "p90Days"),
        marker: { color: "#8a5a00" } }
    ], { barmode: "group" }, say(T.alt_waits, { median: fmt(overall.medianDays), count: fmtCount(overall.count) }),
      pick(places, "medianDays"));
    table("table-waits", T.chart_waits, [
      { label: T.municipality, value: placeName },
      { label: T.count, value: function (r) { return r.count; }, count: true },
      { label: T.median, value: function (r) { return r.medianDays; } },
      { label: T.p90, value: function (r) { return r.p90Days; } },
      { label: T.mean, value: function (r) { return r.meanDays; } },
      { label: T.unknown, value: function (r) { return r.unknown; }, count: true }
    ], places.concat(rows.filter(function (r) { return r.municipality === "all"; })));
  }

  function renderFunnel(funnel) {
    var all = funnel.rows.filter(function (r) { return r.municipality === "all"; })[0] || {};
    var stages = [T.proposed, T.accepted, T.placed];
    draw("chart-funnel", [
      { type: "funnel", name: T.proposed, y: stages, x: [all.proposed, all.accepted, all.placed],
        marker: { color: ["#0b4f9c", "#2c6cb0", "#1b6e36"] }, textinfo: "value",
        textfont: { color: "#ffffff" } }
    ], { margin: { l: 110, r: 24, t: 16, b: 32 }, showlegend: false,
         yaxis: { type: "category", automargin: true }, xaxis: { visible: false } },
      say(T.alt_funnel, { proposed: fmtCount(all.proposed), accepted: fmtCount(all.accepted), placed: fmtCount(all.placed) }),
      [all.proposed, all.accepted, all.placed]);
    var reasons = (all.declineReasons || []).slice(0, 12);
    draw("chart-reasons", [
      { type: "bar", orientation: "h", name: T.declined,
        y: reasons.map(function (r) { return (r.label || r.reasonCode) + " (" + (T[r.decidedBy] || r.decidedBy) + ")"; }),
        x: pick(reasons, "count"),
        marker: { color: reasons.map(function (r) { return r.decidedBy === "corporation" ? "#8a5a00" : "#6a3d9a"; }) } }
    ], { margin: { l: 200, r: 24, t: 16, b: 40 }, showlegend: false, yaxis: { automargin: true, autorange: "reversed" },
         xaxis: { rangemode: "tozero", gridcolor: "#e3e6ea" } },
      say(T.alt_reasons, { n: reasons.length }), pick(reasons, "count"));
    table("table-funnel", T.chart_funnel, [
      { label: T.municipality, value: placeName },
      { label: T.proposed, value: function (r) { return r.proposed; }, count: true },
      { label: T.accepted, value: function (r) { return r.accepted; }, count: true },
      { label: T.declinedByCorporation, value: function (r) { return r.declinedByCorporation; }, count: true },
      { label: T.declinedByCandidate, value: function (r) { return r.declinedByCandidate; }, count: true },
      { label: T.proposalExpired, value: function (r) { return r.expired; }, count: true },
      { label: T.placed, value: function (r) { return r.placed; }, count: true },
      { label: T.open, value: function (r) { return r.open; }, count: true }
    ], funnel.rows);
  }

  function renderStock(stock) {
    var rows = stock.rows.filter(function (r) { return r.municipality !== "all"; });
    var x = rows.map(shortName);
    draw("chart-stock", [
      { type: "bar", name: T.openVacancies, x: x, y: pick(rows, "openVacancies"), marker: { color: "#0b4f9c" } },
      { type: "bar", name: T.vacanciesAnnounced, x: x, y: pick(rows, "vacanciesAnnounced"), marker: { color: "#2c6cb0" } },
      { type: "bar", name: T.lettings, x: x, y: pick(rows, "lettings"), marker: { color: "#1b6e36" } },
      { type: "scatter", mode: "markers", name: T.dwellings, x: x, y: pick(rows, "dwellings"), yaxis: "y2",
        marker: { symbol: "diamond", size: 11, color: "#6a3d9a" } }
    ], { barmode: "group", yaxis2: { overlaying: "y", side: "right", rangemode: "tozero", title: { text: T.dwellings } } },
      say(T.alt_stock, { n: rows.length }), pick(rows, "dwellings").concat(pick(rows, "openVacancies")));
    table("table-stock", T.chart_stock, [
      { label: T.municipality, value: placeName },
      { label: T.dwellings, value: function (r) { return r.dwellings; } },
      { label: T.careSuitable, value: function (r) { return r.careSuitable; } },
      { label: T.openVacancies, value: function (r) { return r.openVacancies; } },
      { label: T.vacanciesAnnounced, value: function (r) { return r.vacanciesAnnounced; } },
      { label: T.lettings, value: function (r) { return r.lettings; }, count: true },
      { label: T.urgentLettings, value: function (r) { return r.urgentLettings; }, count: true }
    ], rows.concat(stock.rows.filter(function (r) { return r.municipality === "all"; })));
  }

  /* The by-name endpoint counts per month: the period's months, in the chosen municipality
     (for the province or a region: every municipality, and the total is shown). */
  function householdParams(params) {
    var period = params.get("period") || "";
    var year = period.slice(0, 4);
    var half = period.slice(5);
    var out = new URLSearchParams();
    out.set("from", year + (half === "H2" ? "-07" : "-01"));
    out.set("to", year + (half === "H1" ? "-06" : "-12"));
    var scope = params.get("scope");
    if (/^GM\d{4}$/.test(scope)) { out.set("municipality", scope); }
    return out;
  }

  function renderHouseholds(report) {
    var rows = report.rows.filter(function (r) {
      return report.municipality === "all" ? r.municipality === "all" : true;
    });
    function count(key) { return { label: T[key], value: function (r) { return r[key]; }, count: true }; }
    table("table-households", T.chart_households + ". " + T.households_scope, [
      { label: T.month, value: function (r) { return r.month; } },
      count("active"), count("newlyGranted"), count("returnedAfterHousing"), count("housed"),
      count("lapsedOrExpired"),
      { label: T.withdrawnHouseholds, value: function (r) { return r.withdrawn; }, count: true },
      count("revoked"), count("refused")
    ], rows);
  }

  function renderMoves(report) {
    function name(code, label) { return label ? label + " (" + code + ")" : code; }
    table("table-moves", T.chart_moves, [
      { label: T.origin, value: function (r) { return name(r.origin, r.originName); } },
      { label: T.destination, value: function (r) { return name(r.destination, r.destinationName); } },
      { label: T.placements, value: function (r) { return r.placements; }, count: true }
    ], report.rows);
  }

  function renderDecisions(report) {
    function column(text, key, isCount) {
      return { label: T[text], value: function (r) { return r[key]; }, count: isCount };
    }
    table("table-decisions", T.chart_decisions, [
      { label: T.municipality, value: function (r) { return r.name ? r.name + " (" + r.municipality + ")" : r.municipality; } },
      column("decision_count", "decisions", true), column("decision_median", "medianDays", false),
      column("decision_p90", "p90Days", false), column("decision_granted", "granted", true),
      column("decision_refused", "refused", true), column("decision_waiting", "waiting", true),
      column("decision_oldest", "oldestWaitingDays", false)
    ], report.rows);
  }

  function renderAlerts(alerts) {
    var list = document.getElementById("alerts-list");
    var items = alerts.alerts.map(function (alert) {
      var li = document.createElement("li");
      var time = document.createElement("time");
      time.dateTime = alert.emittedAt;
      time.textContent = new Date(alert.emittedAt).toLocaleString(locale);
      li.appendChild(time);
      var name = alert.name ? alert.name + " (" + alert.municipality + ")" : alert.municipality;
      var text = alert.kind === "proposal-stalled"
        ? say(T.alert_stalled, { proposal: alert.proposalId, name: name, days: alert.openDays, proposed: alert.proposedOn })
        : alert.kind === "accepted-proposal-stalled"
        ? say(T.alert_accepted_stalled, { proposal: alert.proposalId, name: name, days: alert.acceptedDays, accepted: alert.acceptedOn })
        : say(T.alert_band, { name: name, from: statusLabel(alert.previousStatus || "on-track"),
            to: alert.status ? statusLabel(alert.status) : SUPPRESSED, realised: fmtCount(alert.realised),
            expected: fmt(alert.expectedToDate), target: fmt(alert.target) });
      li.appendChild(document.createTextNode(text));
      return li;
    });
    if (!items.length) {
      var empty = document.createElement("li");
      empty.textContent = T.no_alerts;
      items = [empty];
    }
    list.replaceChildren.apply(list, items);
  }

  /* --- loading ------------------------------------------------------------------------ */

  function load() {
    if (loading || !window.Plotly) { return Promise.resolve(); }
    loading = true;
    var params = query();
    syncLinks(params);
    return Promise.all([
      getJson("filter-options"), getJson("realisation", params), getJson("realisation-series", params),
      getJson("flows", params), getJson("waiting-times", params), getJson("proposal-funnel", params),
      getJson("stock", params), getJson("alerts", params),
      getJson("active-households", householdParams(params)), getJson("origin-destination", params),
      getJson("decision-times", params)
    ]).then(function (answers) {
      disclosureSuppressed = answers[1].disclosure !== "exact";
      updateOptions(answers[0]);
      renderKpis(answers[1]);
      renderRealisation(answers[1]);
      renderSeries(answers[2]);
      renderFlows(answers[3]);
      renderWaits(answers[4]);
      renderFunnel(answers[5]);
      renderStock(answers[6]);
      renderAlerts(answers[7]);
      renderHouseholds(answers[8]);
      renderMoves(answers[9]);
      renderDecisions(answers[10]);
      document.getElementById("load-error").hidden = true;
      document.getElementById("updated").textContent =
        say(T.updated_at, { time: new Date().toLocaleTimeString(locale) });
      document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    }).catch(function () {
      document.getElementById("load-error").hidden = false;
    }).then(function () { loading = false; });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  [periodSelect, scopeSelect, groupSelect].forEach(function (select) {
    select.addEventListener("change", load);
  });
  window.setInterval(function () {
    if (autoRefresh.checked && !document.hidden) { load(); }
  }, config.refreshSeconds * 1000);
  load();
}());
