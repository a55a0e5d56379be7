// Shared by the HTML report (web/report/) and the live dashboard (web/dashboard/): number
// formats, table cells and the uPlot line charts, so both draw the same way.
"use strict";
var RagscaleCharts = (function () {
  // Milliseconds with three significant digits, as the console report prints them.
  function formatMs(microseconds) {
    const ms = microseconds > 0 ? microseconds / 1000 : 0;
    let decimals = 3;
    for (let candidate = 0; candidate < 3; candidate++) {
      const scale = Math.pow(10, candidate);
      if (Math.round(ms * scale) / scale >= Math.pow(10, 2 - candidate)) { decimals = candidate; break; }
    }
    return ms.toFixed(decimals);
  }
  function formatRate(value) { return (Math.round(value * 100) / 100).toFixed(2); }

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function chartWidth() { return Math.min(1150, document.body.clientWidth - 48); }

  // A line chart in `element` of `series` ([{label, color, values, fill}]) over `xs`, by
  // default the seconds since the start of the run (they read better on an axis than
  // wall-clock times); `xLabel` names another x axis (the capacity report's offered load).
  // `shared`, optional, puts charts of different data on one x axis: `range` ([min, max])
  // fixes the x scale instead of fitting it to `xs`, so they line up; charts with the same
  // `sync` key move their cursors together. The x scale in use is noted on `element`
  // (data-x-min, data-x-max), so tests and monitors can check that charts line up.
  function lineChart(element, title, xs, series, yLabel, xLabel, shared) {
    shared = shared || {};
    const options = {
      title: title, width: chartWidth(), height: 260,
      scales: { x: shared.range ? { time: false, range: shared.range } : { time: false } },
      axes: [{ label: xLabel || "seconds since start" }, { label: yLabel }],
      series: [{ label: xLabel || "second" }].concat(series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 2, fill: s.fill || undefined };
      })),
      hooks: {
        setScale: [function (u, key) {
          if (key !== "x") return;
          element.dataset.xMin = String(u.scales.x.min);
          element.dataset.xMax = String(u.scales.x.max);
        }],
      },
    };
    if (shared.sync) options.cursor = { sync: { key: shared.sync } };
    return new uPlot(options, [xs].concat(series.map(function (s) { return s.values; })), element);
  }

  // The colour of a chart's i-th line when its lines are not named in advance.
  const palette = ["#3559b7", "#e37400", "#137333", "#b3261e", "#8430ce", "#00838f"];
  function color(i) { return palette[i % palette.length]; }

  // Notes on every .chart element how many of its canvas pixels are inked (data-inked): a
  // cheap, scriptable proof (for tests and monitors) that a chart is not blank. uPlot draws
  // in a microtask after construction or setData; call this from a timer, which runs after.
  function markInked() {
    document.querySelectorAll(".chart").forEach(function (div) {
      const canvas = div.querySelector("canvas");
      if (!canvas) return;
      const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) inked++;
      div.dataset.inked = String(inked);
    });
  }

  return { formatMs: formatMs, formatRate: formatRate, cell: cell, lineChart: lineChart, color: color,
           markInked: markInked };
})();
