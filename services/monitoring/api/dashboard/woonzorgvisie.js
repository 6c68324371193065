/* Woonzorgvisie page: draws the three charts from the figures the page carries (the tables
   under each chart hold the same numbers). Suppressed cells are null and leave a gap. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("wzv-data").textContent);
  var T = data.texts;
  var TYPES = ["zelfstandig", "nultreden", "geclusterd", "beschermd"];
  var COLOURS = ["#0b4f9c", "#1b6e36", "#8a4b00", "#6b2c91"];
  var CONFIG = { displayModeBar: false, responsive: true };
  var LAYOUT = { margin: { t: 20, r: 20, b: 80, l: 60 }, separators: ",.",
                 font: { family: "system-ui, Segoe UI, Roboto, Arial, sans-serif", size: 13,
                         color: "#1a1a1a" },
                 legend: { orientation: "h", y: -0.25 }, barmode: "group" };

  function layout(extra) { return Object.assign({}, LAYOUT, extra || {}); }

  function empty(id) {
    window.Plotly.newPlot(id, [], layout({
      xaxis: { visible: false }, yaxis: { visible: false },
      annotations: [{ text: T.no_data, showarrow: false, xref: "paper", yref: "paper",
                      x: 0.5, y: 0.5, font: { size: 15 } }] }), CONFIG);
  }

  function years() {
    var rows = data.years;
    if (!rows.length) { return empty("chart-years"); }
    var x = [rows.map(function (r) { return T[r.housingType]; }),
             rows.map(function (r) { return String(r.year); })];
    var measures = [["need", T.need, "#0b4f9c"], ["supplyNow", T.supply_now, "#767676"],
                    ["supplyWithProgramme", T.supply_with_programme, "#1b6e36"]];
    window.Plotly.newPlot("chart-years", measures.map(function (m) {
      return { type: "bar", name: m[1], x: x, y: rows.map(function (r) { return r[m[0]]; }),
               marker: { color: m[2] } };
    }), layout(), CONFIG);
  }

  function gap() {
    var rows = data.gap;
    if (!rows.length) { return empty("chart-gap"); }
    window.Plotly.newPlot("chart-gap", TYPES.map(function (type, i) {
      var own = rows.filter(function (r) { return r.housingType === type; });
      return { type: "bar", name: T[type], marker: { color: COLOURS[i] },
               x: own.map(function (r) { return r.name; }),
               y: own.map(function (r) { return r.gap; }) };
    }), layout(), CONFIG);
  }

  function stapeling() {
    var rows = data.stapeling;
    if (!rows.length) { return empty("chart-stapeling"); }
    var thresholds = rows.map(function (r) { return r.threshold; })
      .filter(function (t) { return typeof t === "number"; });
    var shapes = thresholds.length ? [{ type: "line", xref: "paper", x0: 0, x1: 1,
      y0: thresholds[0], y1: thresholds[0], line: { color: "#b3261e", width: 2, dash: "dash" } }]
      : [];
    window.Plotly.newPlot("chart-stapeling", [{
      type: "bar", name: T.index, x: rows.map(function (r) { return r.wijk; }),
      y: rows.map(function (r) { return r.index; }),
      marker: { color: rows.map(function (r) { return r.flagged ? "#b3261e" : "#0b4f9c"; }) }
    }], layout({ shapes: shapes, showlegend: false }), CONFIG);
  }

  function draw() {
    years();
    gap();
    stapeling();
    document.body.dataset.loaded = "1";
  }

  if (window.Plotly) { draw(); } else { window.addEventListener("load", draw); }
}());
