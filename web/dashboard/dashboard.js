// The live dashboard of a running `ragscale load --web ADDR`: polls stats.json once a second
// (the points since the last poll, and the current table) and draws them with the report's
// chart code (web/common/charts.js). The streamed-answer charts (time to first token,
// inter-token latency, output tokens/s) appear only once a point carries their fields
// (ttft_p50_ms, ...); their percentiles are of the streams that finished in that second.
"use strict";
(function () {
  const C = RagscaleCharts;
  const POLL_MS = 1000;
  const columns = {
    t: [], users: [], rps: [], fps: [], p50_ms: [], p95_ms: [], p99_ms: [],
    ttft_p50_ms: [], ttft_p95_ms: [], itl_p50_ms: [], itl_p99_ms: [], tokens_per_s: [],
  };
  const charts = {};
  const percentileColors = { p50: "#3559b7", p95: "#e37400", p99: "#b3261e" };
  let next = 0;
  let polls = 0;
  let state = "connecting";

  function percentileSeries(prefix, percentiles) {
    return (percentiles || ["p50", "p95", "p99"]).map(function (p) {
      return { label: p, color: percentileColors[p], values: columns[prefix + p + "_ms"] };
    });
  }
  const chartSpecs = {
    "chart-users": { title: "Users", yLabel: "users", series: function () {
      return [{ label: "users", color: "#3559b7", values: columns.users, fill: "rgba(53,89,183,0.08)" }]; } },
    "chart-rps": { title: "Requests and failures per second", yLabel: "per second", series: function () {
      return [{ label: "requests/s", color: "#137333", values: columns.rps },
              { label: "failures/s", color: "#b3261e", values: columns.fps }]; } },
    "chart-latency": { title: "Latency percentiles (last 10 s window), ms", yLabel: "ms",
                       series: function () { return percentileSeries(""); } },
    "chart-ttft": { title: "Time to first token (streams ended that second), ms", yLabel: "ms", key: "ttft_p50_ms",
                    series: function () { return percentileSeries("ttft_", ["p50", "p95"]); } },
    "chart-itl": { title: "Inter-token latency (streams ended that second), ms", yLabel: "ms", key: "itl_p50_ms",
                   series: function () { return percentileSeries("itl_", ["p50", "p99"]); } },
    "chart-tokens": { title: "Output tokens per second", yLabel: "tokens/s", key: "tokens_per_s", series: function () {
      return [{ label: "tokens/s", color: "#137333", values: columns.tokens_per_s }]; } },
  };

  function setText(id, text) { document.getElementById(id).textContent = text; }
  function setState(next_state) {
    state = next_state;
    const element = document.getElementById("state");
    element.textContent = state;
    element.className = "state " + state;
    document.body.dataset.state = state;
    document.getElementById("stop").disabled = state !== "running";
  }

  function addPoints(points) {
    points.forEach(function (point) {
      Object.keys(columns).forEach(function (key) {
        columns[key].push(point[key] === undefined ? null : point[key]);
      });
    });
  }

  function hasData(key) { return columns[key].some(function (v) { return v !== null; }); }

  function drawCharts() {
    if (columns.t.length === 0) return;
    Object.keys(chartSpecs).forEach(function (id) {
      const spec = chartSpecs[id];
      const element = document.getElementById(id);
      if (spec.key && !hasData(spec.key)) return;  // no streamed answers: the chart stays hidden
      element.hidden = false;
      const series = spec.series();
      if (!charts[id]) {
        charts[id] = C.lineChart(element, spec.title, columns.t, series, spec.yLabel);
      } else {
        charts[id].setData([columns.t].concat(series.map(function (s) { return s.values; })));
      }
    });
    setTimeout(function () {
      C.markInked();
      document.body.dataset.charted = String(columns.t.length);
    }, 0);
  }

  function fillTable(rows) {
    const body = document.querySelector("#table tbody");
    body.textContent = "";
    rows.forEach(function (entry) {
      const row = body.insertRow();
      if (entry.aggregate) row.className = "aggregate";
      row.dataset.name = entry.name;
      C.cell(row, entry.method);
      C.cell(row, entry.name);
      C.cell(row, String(entry.requests), "number requests");
      C.cell(row, String(entry.failures), "number failures");
      C.cell(row, C.formatMs(entry.median_us), "number median");
      C.cell(row, C.formatMs(entry.p95_us), "number p95");
      C.cell(row, C.formatMs(entry.p99_us), "number p99");
      C.cell(row, C.formatMs(entry.avg_us), "number avg");
      C.cell(row, C.formatRate(entry.rps), "number rps");
      C.cell(row, C.formatRate(entry.fps), "number fps");
      C.cell(row, String(entry.retries), "number retries");
    });
  }

  function update(snapshot) {
    polls++;
    document.body.dataset.polls = String(polls);
    setState(snapshot.state);
    setText("subtitle", snapshot.host + (snapshot.shape ? " \u2014 " + snapshot.shape : ""));
    setText("elapsed", snapshot.elapsed_s.toFixed(0) + " s" +
            (snapshot.planned_s ? " / " + snapshot.planned_s.toFixed(0) + " s" : ""));
    setText("users", String(snapshot.users));
    const aggregate = snapshot.table[snapshot.table.length - 1];
    setText("requests", String(aggregate.requests));
    setText("failures", String(aggregate.failures));
    fillTable(snapshot.table);
    if (snapshot.first > next) {
      // Older points were dropped from the server's bounded series: start over from what it has.
      Object.keys(columns).forEach(function (key) { columns[key].length = 0; });
    }
    addPoints(snapshot.series);
    next = snapshot.next;
    if (columns.t.length > 0) {
      setText("rps", String(columns.rps[columns.rps.length - 1]));
      setText("fps", String(columns.fps[columns.fps.length - 1]));
    }
    drawCharts();
  }

  function poll() {
    fetch("stats.json?since=" + next, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (snapshot) {
        update(snapshot);
        setTimeout(poll, POLL_MS);
      })
      .catch(function () {
        // The run ended and its process exited: keep showing the last figures.
        if (state === "connecting") { setTimeout(poll, POLL_MS); return; }
        setState("closed");
        setText("subtitle", document.getElementById("subtitle").textContent +
                " \u2014 the run has ended; these are its last figures");
      });
  }

  document.getElementById("stop").addEventListener("click", function () {
    fetch("stop", { method: "POST" }).then(function () { setState("stopping"); });
  });
  poll();
})();
