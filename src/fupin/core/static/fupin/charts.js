// Charts: an element with data-chart names a JSON block (json_script) holding its figures.
// The figures are also in a table beside the chart, so nothing depends on the chart alone.
(function () {
  "use strict";
  function render(el) {
    if (typeof echarts === "undefined") { return; }
    var source = document.getElementById(el.getAttribute("data-chart-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      // No animation: old office PCs draw faster, and a bar is where it will stay at once
      // (a click right after drawing lands on it).
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 16, bottom: 80, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: data.title, data: data.values, itemStyle: { color: "#b91c1c" } }]
    });
    // Drill-down: a bar of a child area opens that area's dashboard.
    if (data.links && data.links.length) {
      chart.on("click", function (params) {
        var target = data.links[params.dataIndex];
        if (target) { window.location.href = target; }
      });
    }
    el.setAttribute("data-chart-ready", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(render);
  });
})();
