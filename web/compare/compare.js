// Builds the comparison page from the data embedded in it: {"base": summary, "new": summary,
// "comparison": ragscale compare's JSON}. Tables come from the comparison, charts from the two
// summaries' history, overlaid on seconds since each run's start.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("comparison-data").textContent);
  const base = data.base;
  const next = data["new"];
  const comparison = data.comparison;
  const cell = RagscaleCharts.cell;
  const formatMs = RagscaleCharts.formatMs;

  const worse = comparison.regressions;
  const limit = comparison.max_regression_pct + "%";
  document.getElementById("subtitle").textContent =
    comparison.base.file + " (base) against " + comparison["new"].file + " (new), target " + comparison.base.host;
  const verdict = document.getElementById("verdict");
  if (worse === 0) {
    verdict.innerHTML = '<span class="pass">NO REGRESSION</span> ';
    verdict.appendChild(document.createTextNode("no figure is worse than the base beyond " + limit + "."));
  } else {
    verdict.innerHTML = '<span class="fail">REGRESSION</span> ';
    verdict.appendChild(document.createTextNode(worse + " figure" + (worse === 1 ? " is" : "s are") +
      " worse than the base beyond " + limit + "."));
  }
  document.getElementById("method").textContent =
    "Intervals at " + (comparison.confidence * 100) + "% confidence, with seconds as the independent units: " +
    "Hodges-Lehmann (Mann-Whitney) on per-second rates, bootstrap on the histogram percentiles sized by the runs' " +
    "second-to-second noise, Wilson-based intervals on error rates. A figure is worse when the whole interval " +
    "lies beyond the limit (see docs/compare.md).";

  // --- figures table ---
  function shown(figure, value) {
    if (figure.unit === "ms") return formatMs(value * 1000) + " ms";
    if (figure.unit === "ratio") return (value * 100).toFixed(2) + "%";
    return value.toFixed(1) + "/s";
  }
  function signed(value, suffix) {
    if (Math.abs(value) < 0.05) value = 0;  // no "-0.0"
    return (value >= 0 ? "+" : "") + value.toFixed(1) + suffix;
  }
  const body = document.querySelector("#figures tbody");
  comparison.names.forEach(function (name) {
    name.figures.forEach(function (figure, index) {
      const row = body.insertRow();
      if (name.aggregate) row.className = index === 0 ? "aggregate" : "aggregate-rest";
      row.dataset.name = name.name;
      row.dataset.figure = figure.figure;
      row.dataset.verdict = figure.verdict;
      cell(row, index === 0 && !name.aggregate ? name.method : "");
      cell(row, index === 0 ? name.name : "");
      cell(row, figure.figure);
      cell(row, shown(figure, figure.base), "number");
      cell(row, shown(figure, figure["new"]), "number");
      const points = figure.ci_unit === "pp";
      cell(row, points ? signed((figure["new"] - figure.base) * 100, " pp")
        : figure.delta_pct === null ? "n/a" : signed(figure.delta_pct, "%"), "number");
      cell(row, figure.ci === null ? "n/a" : "[" + signed(figure.ci[0], points ? " pp" : "%") + ", " +
        signed(figure.ci[1], points ? " pp" : "%") + "]", "number");
      cell(row, figure.verdict, figure.verdict);
    });
  });
  const unmatched = comparison.only_in_base.map(function (n) { return n + " (only in base)"; })
    .concat(comparison.only_in_new.map(function (n) { return n + " (only in new)"; }));
  if (unmatched.length > 0) {
    const note = document.getElementById("unmatched");
    note.hidden = false;
    note.textContent = "Not compared: " + unmatched.join(", ") + ".";
  }

  // --- charts: both runs on seconds since their start ---
  function seconds(summary) {
    return summary.history.map(function (h) { return Math.round(h.time - summary.run.start_unix_time); });
  }
  // One x axis for both runs: every whole second either run has, each run's value or null.
  function overlay(pick) {
    const xs = [];
    const byRun = [base, next].map(function (summary) {
      const values = {};
      const times = seconds(summary);
      summary.history.forEach(function (h, i) {
        values[times[i]] = pick(h);
        if (xs.indexOf(times[i]) < 0) xs.push(times[i]);
      });
      return values;
    });
    xs.sort(function (a, b) { return a - b; });
    return { xs: xs, base: xs.map(function (x) { return x in byRun[0] ? byRun[0][x] : null; }),
             next: xs.map(function (x) { return x in byRun[1] ? byRun[1][x] : null; }) };
  }
  function overlaidChart(id, title, pick, yLabel) {
    const series = overlay(pick);
    return RagscaleCharts.lineChart(document.getElementById(id), title, series.xs, [
      { label: "base", color: "#3559b7", values: series.base },
      { label: "new", color: "#e37400", values: series.next },
    ], yLabel);
  }
  const windowPercentile = function (key) {
    return function (h) {
      const w = h.aggregate.window_percentiles_us;
      return h.aggregate.window_requests > 0 && w && w[key] !== undefined ? w[key] / 1000 : null;
    };
  };
  // The mean latency of the requests completed in each second, from the cumulative means (the
  // per-second figure the comparison itself rests on).
  function secondMeans(summary) {
    const means = new Map();
    let previousCount = 0;
    let previousSum = 0;
    summary.history.forEach(function (h) {
      const sum = h.aggregate.total_mean_us * h.aggregate.total_requests;
      const count = h.aggregate.total_requests - previousCount;
      means.set(h, count > 0 ? (sum - previousSum) / count / 1000 : null);
      previousCount = h.aggregate.total_requests;
      previousSum = sum;
    });
    return means;
  }
  const means = new Map([...secondMeans(base), ...secondMeans(next)]);
  if (base.history.length > 0 && next.history.length > 0) {
    overlaidChart("chart-rps", "Requests completed each second", function (h) { return h.aggregate.requests; },
      "requests/s");
    overlaidChart("chart-mean", "Mean latency of the requests completed each second, ms", function (h) {
      return means.get(h);
    }, "ms");
    overlaidChart("chart-latency", "Latency p95 (last 10 s window), ms", windowPercentile("p95"), "ms");
    if (base.aggregate.llm && next.aggregate.llm) {
      overlaidChart("chart-ttft", "Time to first token p50 of the answers ending each second, ms", function (h) {
        return h.llm && h.llm.streams > 0 ? h.llm.ttft_p50_us / 1000 : null;
      }, "ms");
      overlaidChart("chart-tokens", "Output tokens per second", function (h) { return h.llm ? h.llm.output_tokens : 0; },
        "tokens/s");
    }
  }

  // --- the two runs ---
  const runs = document.querySelector("#runs tbody");
  [["base", base, comparison.base], ["new", next, comparison["new"]]].forEach(function (entry) {
    const summary = entry[1];
    const row = runs.insertRow();
    cell(row, entry[0]);
    cell(row, entry[2].file);
    cell(row, summary.run.host);
    cell(row, new Date(summary.run.start_unix_time * 1000).toISOString().replace("T", " ").slice(0, 19));
    cell(row, summary.run.duration_s.toFixed(1) + " s", "number");
    cell(row, String(summary.aggregate.requests), "number");
    cell(row, summary.run.settings.map(function (s) { return s[0] + " " + s[1]; }).join("; "));
  });
  document.body.dataset.rendered = "true";
  setTimeout(function () {
    RagscaleCharts.markInked();
    document.body.dataset.charted = "true";
  }, 0);
})();
