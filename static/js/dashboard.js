/* Board dashboard: the monthly trend chart, drawn from the page's json_script block "trend-data". */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var node = document.getElementById("trend-data");
    var canvas = document.getElementById("trend-chart");
    if (!node || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var colours = ["#0d6efd", "#6c757d", "#198754", "#fd7e14", "#dc3545", "#6f42c1"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return {label: s.label, data: s.data, backgroundColor: colours[i % colours.length]};
        })
      },
      options: {responsive: true, animation: false, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
  });
})();
