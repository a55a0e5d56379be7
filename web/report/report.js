// Builds the report from the run summary embedded in the page (ragscale load --json format).
"use strict";
(function () {
  const summary = JSON.parse(document.getElementById("run-summary").textContent);

  const formatMs = RagscaleCharts.formatMs;
  const formatRate = RagscaleCharts.formatRate;
  const cell = RagscaleCharts.cell;

  // --- title, verdict, thresholds ---
  const run = summary.run;
  const started = new Date(run.start_unix_time * 1000);
  document.getElementById("subtitle").textContent =
    run.host + " \u2014 " + started.toISOString().replace("T", " ").slice(0, 19) + " UTC, " +
    run.duration_s.toFixed(1) + " s, peak " + run.peak_users + " users";

  const thresholds = run.thresholds || [];
  const failed = thresholds.filter(function (t) { return !t.passed; });
  const verdict = document.getElementById("verdict");
  if (run.abort_reason) {
    verdict.innerHTML = '<span class="fail">ABORTED</span> ';
    verdict.appendChild(document.createTextNode(run.abort_reason));
  } else if (thresholds.length === 0) {
    verdict.textContent = "No thresholds were set for this run.";
  } else if (failed.length === 0) {
    verdict.innerHTML = '<span class="pass">PASSED</span>: every threshold held.';
  } else {
    verdict.innerHTML = '<span class="fail">FAILED</span>: ' + failed.length + " of " + thresholds.length +
      " thresholds did not hold.";
  }
  // --- diagnosis (the embedded `ragscale diagnose --format json`; worded as its text output) ---
  const diagnosis = JSON.parse(document.getElementById("diagnosis-data").textContent);
  document.getElementById("availability").textContent = "Availability: " +
    (diagnosis.availability * 100).toFixed(3) + "% of " + diagnosis.requests + " requests";
  if (diagnosis.findings.length === 0) {
    const none = document.getElementById("no-bottleneck");
    none.hidden = false;
    none.textContent = "No bottleneck found: no rule's threshold was crossed" +
      (diagnosis.scraped ? "" : " (the run scraped no target metrics; --scrape URL lets more rules look)");
  }
  const findings = document.getElementById("findings");
  diagnosis.findings.forEach(function (finding, i) {
    const item = document.createElement("article");
    item.className = "finding";
    item.dataset.rule = finding.rule;
    const title = document.createElement("h3");
    title.textContent = (i + 1) + ". " + finding.title;
    const rule = document.createElement("p");
    rule.className = "rule";
    rule.textContent = "[" + finding.rule + ", severity " + finding.severity.toFixed(2) + "]";
    const evidence = document.createElement("ul");
    finding.evidence.forEach(function (line) {
      evidence.appendChild(document.createElement("li")).textContent = line;
    });
    const advice = document.createElement("p");
    advice.className = "advice";
    advice.textContent = "what to do: " + finding.advice;
    [title, rule, evidence, advice].forEach(function (part) { item.appendChild(part); });
    findings.appendChild(item);
  });

  const thresholdBody = document.querySelector("#thresholds tbody");
  thresholds.forEach(function (t) {
    const row = thresholdBody.insertRow();
    cell(row, t.expression);
    cell(row, t.passed ? "PASS" : "FAIL", t.passed ? "pass" : "fail");
    cell(row, t.has_data ? String(Math.round(t.observed * 1000) / 1000) : "no data", "number");
  });
  if (thresholds.length === 0) document.getElementById("thresholds").hidden = true;

  // --- requests table ---
  const requestBody = document.querySelector("#requests tbody");
  function addRequestRow(entry, aggregate) {
    const row = requestBody.insertRow();
    if (aggregate) row.className = "aggregate";
    row.dataset.name = aggregate ? "Aggregated" : entry.name;
    const p = entry.latency_us.percentiles;
    cell(row, aggregate ? "" : entry.method);
    cell(row, aggregate ? "Aggregated" : entry.name);
    cell(row, String(entry.requests), "number requests");
    cell(row, String(entry.failures), "number failures");
    cell(row, String(entry.rate_limited), "number rate-limited");
    cell(row, formatMs(p.p50), "number p50");
    cell(row, formatMs(p.p95), "number p95");
    cell(row, formatMs(p.p99), "number p99");
    cell(row, formatMs(entry.latency_us.max), "number max");
    cell(row, formatRate(entry.requests_per_s), "number rps");
    cell(row, formatRate(entry.failures_per_s), "number fps");
  }
  summary.endpoints.forEach(function (e) { addRequestRow(e, false); });
  addRequestRow(summary.aggregate, true);
  document.querySelectorAll("#requests th").forEach(function (th, i) { if (i >= 2) th.className = "number"; });

  // --- the generators a merged run was made of ---
  const parts = summary.parts || [];
  const partBody = document.querySelector("#parts tbody");
  parts.forEach(function (part) {
    const row = partBody.insertRow();
    cell(row, part.segment || "-");
    cell(row, part.source);
    cell(row, part.host);
    cell(row, String(part.requests), "number");
    cell(row, String(part.failures), "number");
    cell(row, formatRate(part.requests_per_s), "number");
    cell(row, formatMs(part.p50_us), "number");
    cell(row, formatMs(part.p95_us), "number");
    cell(row, formatMs(part.p99_us), "number");
    cell(row, part.late_start_s > 0 ? String(Math.round(part.late_start_s * 10) / 10) : "", "number");
  });
  document.getElementById("parts-section").hidden = parts.length === 0;

  // --- charts over time (one point per second of the run) ---
  const history = summary.history || [];
  const seconds = history.map(function (h) { return Math.round((h.time - run.start_unix_time) * 10) / 10; });
  // Every chart over time, the load's and the target's, spans the run, from its start to its
  // end (or its last second), and moves its cursor with the others: a reader sees when a
  // target's queue filled against the requests/s and latency of the same second.
  const timeAxis = {
    range: [0, Math.max(run.duration_s, seconds.length > 0 ? seconds[seconds.length - 1] : 0)],
    sync: "run",
  };
  function chart(id, title, series, yLabel) {
    return RagscaleCharts.lineChart(document.getElementById(id), title, seconds, series, yLabel, undefined, timeAxis);
  }
  const windowPercentile = function (key) {
    return history.map(function (h) {
      const w = h.aggregate.window_percentiles_us;
      return w && w[key] !== undefined ? w[key] / 1000 : null;
    });
  };
  if (history.length > 0) {
    chart("chart-users", "Users", [
      { label: "users", color: "#3559b7", values: history.map(function (h) { return h.users; }), fill: "rgba(53,89,183,0.08)" },
    ], "users");
    chart("chart-rps", "Requests and failures per second", [
      { label: "requests/s", color: "#137333", values: history.map(function (h) { return h.aggregate.rps; }) },
      { label: "failures/s", color: "#b3261e", values: history.map(function (h) { return h.aggregate.fps; }) },
    ], "per second");
    chart("chart-latency", "Latency percentiles (last 10 s window), ms", [
      { label: "p50", color: "#3559b7", values: windowPercentile("p50") },
      { label: "p95", color: "#e37400", values: windowPercentile("p95") },
      { label: "p99", color: "#b3261e", values: windowPercentile("p99") },
    ], "ms");
  }

  // --- streamed answers and SLOs (endpoints with an "llm" object; history rows' "llm") ---
  const llmEntries = summary.endpoints.filter(function (e) { return e.llm; });
  if (summary.aggregate.llm) {
    document.getElementById("llm-section").hidden = false;
    const llmBody = document.querySelector("#llm tbody");
    const addLlmRow = function (entry, aggregate) {
      const row = llmBody.insertRow();
      if (aggregate) row.className = "aggregate";
      const l = entry.llm;
      const pct = function (h, key) { return h.count > 0 ? formatMs(h.percentiles[key]) : "-"; };
      cell(row, aggregate ? "" : entry.method);
      cell(row, aggregate ? "Aggregated" : entry.name);
      cell(row, String(entry.requests), "number");
      cell(row, String(l.streams), "number");
      cell(row, pct(l.ttft_us, "p50"), "number ttft-p50");
      cell(row, pct(l.ttft_us, "p99"), "number");
      cell(row, pct(l.itl_us, "p50"), "number itl-p50");
      cell(row, pct(l.itl_us, "p99"), "number");
      cell(row, pct(l.tpot_us, "p50"), "number");
      cell(row, pct(l.e2e_us, "p50"), "number");
      cell(row, String(l.output_tokens), "number");
      cell(row, formatRate(l.output_tokens_per_s), "number");
      cell(row, l.slo_attainment === null ? "-" : formatRate(l.goodput_per_s), "number");
      cell(row, l.slo_attainment === null ? "-" :
        (l.slo_attainment * 100).toFixed(1) + "% (" + (l.slo_attainment_ci95[0] * 100).toFixed(1) + "–" +
        (l.slo_attainment_ci95[1] * 100).toFixed(1) + ")", "number attainment");
    };
    llmEntries.forEach(function (e) { addLlmRow(e, false); });
    addLlmRow(summary.aggregate, true);
    const llmSeries = function (key, scale) {
      return history.map(function (h) { return h.llm && h.llm.streams > 0 ? h.llm[key] * scale : null; });
    };
    if (history.length > 0) {
      chart("chart-ttft", "Time to first token of the answers ending each second, ms", [
        { label: "p50", color: "#3559b7", values: llmSeries("ttft_p50_us", 0.001) },
        { label: "p95", color: "#e37400", values: llmSeries("ttft_p95_us", 0.001) },
      ], "ms");
      chart("chart-itl", "Inter-token latency of the tokens arriving each second, ms", [
        { label: "p50", color: "#3559b7", values: history.map(function (h) { return h.llm ? h.llm.itl_p50_us / 1000 : null; }) },
        { label: "p99", color: "#b3261e", values: history.map(function (h) { return h.llm ? h.llm.itl_p99_us / 1000 : null; }) },
      ], "ms");
      chart("chart-tokens", "Output tokens per second (answers ending each second)", [
        { label: "tokens/s", color: "#137333", values: history.map(function (h) { return h.llm ? h.llm.output_tokens : 0; }) },
      ], "tokens/s");
    }
  }

  // --- target metrics (what --scrape recorded, as its "target-charts-data" chose them) ---
  const scraped = summary.scrape || [];
  if (scraped.length > 0) {
    document.getElementById("target-section").hidden = false;
    const targetName = function (url) {
      return url === "generator" ? "the load generator (ragscale load itself)" : url;
    };
    const problems = document.getElementById("target-problems");
    scraped.forEach(function (target) {
      if (target.failures === 0 || target.url === "generator") return;
      problems.appendChild(document.createElement("li")).textContent = target.url + ": " +
        (target.scrapes === 0 ? "no scrape answered" : target.failures + " of " + (target.scrapes + target.failures) +
        " scrapes failed") + (target.last_failure ? " (last: " + target.last_failure + ")" : "");
    });
    const picked = JSON.parse(document.getElementById("target-charts-data").textContent);
    const container = document.getElementById("target-charts");
    let shownTarget = null;
    picked.charts.forEach(function (c, i) {
      if (c.target !== shownTarget) {
        shownTarget = c.target;
        container.appendChild(document.createElement("h3")).textContent = targetName(c.target);
      }
      const element = container.appendChild(document.createElement("div"));
      element.className = "chart target-chart";
      element.id = "target-chart-" + i;
      element.dataset.target = c.target;
      element.dataset.metric = c.metric;
      const title = (c.title === c.metric ? c.metric : c.title + " (" + c.metric + ")") + (c.unit ? ", " + c.unit : "");
      RagscaleCharts.lineChart(element, title, c.t, c.lines.map(function (line, j) {
        return { label: line.label, color: RagscaleCharts.color(j), values: line.values };
      }), c.unit, undefined, timeAxis);
    });
    const more = document.getElementById("target-more");
    if (picked.more.length > 0 || picked.flat > 0) {
      more.hidden = false;
      const metrics = function (n) { return n + (n === 1 ? " metric" : " metrics"); };
      more.textContent = (picked.more.length > 0 ? metrics(picked.more.length) + " more changed during the run: " +
        picked.more.map(function (m) { return m.metric + " (" + targetName(m.target) + ")"; }).join(", ") + ". " : "") +
        (picked.flat > 0 ? metrics(picked.flat) + " did not change. " : "") +
        "Every series is in the run's JSON summary, under \"scrape\".";
    }
  }

  // --- errors ---
  const errorBody = document.querySelector("#errors tbody");
  summary.errors.forEach(function (e) {
    const row = errorBody.insertRow();
    cell(row, e.method);
    cell(row, e.name);
    cell(row, e.kind);
    cell(row, e.message);
    cell(row, String(e.occurrences), "number");
  });
  if (summary.errors.length === 0) {
    document.getElementById("errors").hidden = true;
    document.getElementById("no-errors").hidden = false;
  }

  // --- settings ---
  const settingsBody = document.querySelector("#settings tbody");
  [["host", run.host], ["started", started.toISOString()], ["duration", run.duration_s.toFixed(1) + " s"],
   ["peak users", String(run.peak_users)]].concat(run.settings).forEach(function (pair) {
    const row = settingsBody.insertRow();
    cell(row, pair[0]);
    cell(row, pair[1]);
  });
  const counters = summary.counters || {};
  const note = document.createElement("p");
  note.className = "note";
  note.textContent = run.coordinated_omission_corrected
    ? "Open model: latency is measured from each request's intended send time (coordinated omission corrected)."
      + (counters.dropped ? " " + counters.dropped + " arrivals were dropped." : "")
      + (counters.late ? " " + counters.late + " started late." : "")
    : "Closed model: latency is measured from each request's actual send; a stalled server also stalls the users "
      + "(coordinated omission), which this model cannot correct.";
  document.getElementById("settings").after(note);
  document.body.dataset.rendered = "true";

  // Once drawn (uPlot draws in a microtask; a timer runs after it), each chart notes how many
  // of its canvas pixels are inked.
  setTimeout(function () {
    RagscaleCharts.markInked();
    document.body.dataset.charted = "true";
  }, 0);
})();
