/* Charts on the competency profile, talent pool and report pages.
 * Data comes from json_script blocks; every label is already translated. */
(function () {
  "use strict";
  // The Wagtail admin loads page scripts before the content: wait for it.
  function start() {
  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var data = readJson("profile-chart-data") || readJson("report-chart-data") || {};
  var labels = readJson("hr-chart-labels") || {};
  if (typeof echarts === "undefined") { return; }

  function radar(el, framework) {
    if (!framework || !framework.dimensions.length) { el.hidden = true; return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: {},
      legend: { bottom: 0, data: [labels.you, labels.team] },
      radar: {
        // ECharts draws a missing value at the centre, like a 0: the name
        // says there is no score (the PDF leaves a gap in the line).
        indicator: framework.dimensions.map(function (name, i) {
          var missing = framework.cadre[i] === null && labels.noScore;
          return { name: missing ? labels.noScore.replace("%(name)s", name) : name, max: 100 };
        }),
        radius: el.clientWidth < 500 ? "45%" : "62%",
        axisName: { width: el.clientWidth < 500 ? 70 : 140, overflow: "break" }
      },
      series: [{
        type: "radar",
        data: [
          { name: labels.you, value: framework.cadre.map(function (v) { return v === null ? 0 : v; }), areaStyle: { opacity: 0.2 } },
          { name: labels.team, value: framework.team.map(function (v) { return v === null ? 0 : v; }), lineStyle: { type: "dashed" } }
        ]
      }]
    });
    return chart;
  }

  function bars(el, spec, stacked) {
    if (!spec || !spec.categories.length) { el.hidden = true; return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 24, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: {
          interval: spec.categories.length > 20 ? "auto" : 0,
          rotate: spec.categories.length > 6 ? 30 : 0,
          width: 120, overflow: "truncate"
        } },
      yAxis: { type: "value", name: spec.yName || "" },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: stacked ? "total" : undefined, data: s.data };
      })
    });
    return chart;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var chart;
    if (kind === "radar") {
      chart = radar(el, (data.frameworks || [])[Number(el.getAttribute("data-index"))]);
    } else if (kind === "hours") {
      var hours = data.hours || { years: [], series: [] };
      chart = bars(el, { categories: hours.years, series: hours.series, yName: labels.hours }, true);
    } else if (kind === "bars") {
      var spec = (data.bars || {})[el.getAttribute("data-key")];
      chart = bars(el, spec, Boolean(spec && spec.stacked));
    }
    if (chart) { charts.push(chart); }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
