// Builds the capacity report from the search's JSON embedded in the page (ragscale capacity
// --json format, without the per-step run summaries).
"use strict";
(function () {
  const search = JSON.parse(document.getElementById("capacity-search").textContent);
  const cell = RagscaleCharts.cell;
  const formatRate = RagscaleCharts.formatRate;
  const unit = search.unit;
  const offeredLabel = search.by === "users" ? "users" : "offered it/s";

  function load(value) { return Math.abs(value - Math.round(value)) < 1e-9 ? String(value) : value.toFixed(1); }
  function ms(value) { return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0); }

  document.getElementById("subtitle").textContent = search.host + " \u2014 " + (search.by === "users" ?
    "closed model (users)" : "open model (arrival rate)") + ", SLOs: " + search.slos.join(", ") + "; " +
    search.steps.length + " steps in " + Math.round(search.search_seconds) + " s (" + search.end + ")";

  const capacity = document.getElementById("capacity");
  if (search.capacity === null) {
    capacity.innerHTML = '<span class="fail">No capacity found</span>: no step passed.';
  } else {
    capacity.innerHTML = '<span class="pass">' + load(search.capacity) + " " + unit + "</span>, the highest load that passed.";
  }
  const bracket = search.bracket;
  document.getElementById("bracket").textContent = bracket.first_fail === null ?
    (search.capacity === null ? "" : "No step failed up to the maximum load tried.") :
    "Bracket: last pass " + (bracket.last_pass === null ? "none" : load(bracket.last_pass)) + ", first failure " +
    load(bracket.first_fail) + " " + unit + "; bound by " + search.bound_by + ".";
  document.getElementById("knee").textContent = search.knee === null ?
    "Knee: none; throughput followed the offered load over the steps run." :
    "Knee: throughput stops following the offered load near " + load(search.knee.offered) + " " + unit + " (" +
    formatRate(search.knee.achieved) + " good req/s).";
  document.getElementById("offered-heading").textContent = search.by === "users" ? "Users" : "Offered it/s";

  const body = document.querySelector("#steps tbody");
  search.steps.forEach(function (step) {
    const row = body.insertRow();
    cell(row, String(step.index));
    cell(row, step.phase);
    cell(row, load(step.offered), "number");
    cell(row, step.seconds.toFixed(1), "number");
    cell(row, formatRate(step.achieved_rps), "number");
    cell(row, formatRate(step.good_rps), "number");
    cell(row, ms(step.p50_ms), "number");
    cell(row, ms(step.p95_ms), "number");
    cell(row, ms(step.p99_ms), "number");
    cell(row, (step.error_rate * 100).toFixed(2) + "%", "number");
    cell(row, step.verdict, step.verdict === "pass" ? "pass" : step.verdict === "fail" ? "fail" : "undecided");
    cell(row, step.why, "why");
  });

  // The charts need the steps in offered order; steps at the same load are both drawn.
  const steps = search.steps.filter(function (s) { return s.verdict !== "interrupted"; })
    .slice().sort(function (a, b) { return a.offered - b.offered; });
  const xs = steps.map(function (s) { return s.offered; });
  function pick(key) { return steps.map(function (s) { return s[key]; }); }
  const series = [
    { label: "achieved req/s", color: "#1f77b4", values: pick("achieved_rps") },
    { label: "good req/s", color: "#2ca02c", values: pick("good_rps") },
  ];
  if (search.by !== "users") series.push({ label: "offered (ideal)", color: "#999999", values: xs.slice() });
  RagscaleCharts.lineChart(document.getElementById("chart-throughput"), "Throughput", xs, series, "req/s", offeredLabel);
  RagscaleCharts.lineChart(document.getElementById("chart-latency"), "Latency", xs, [
    { label: "p50", color: "#2ca02c", values: pick("p50_ms") },
    { label: "p95", color: "#ff7f0e", values: pick("p95_ms") },
    { label: "p99", color: "#d62728", values: pick("p99_ms") },
  ], "ms", offeredLabel);
  setTimeout(RagscaleCharts.markInked, 0);
})();
