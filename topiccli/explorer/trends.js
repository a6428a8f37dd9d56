// topiccli explorer: topics over time and across groups (the JSON's over_time, by_group and
// over_time_by_group, models.analyses), drawn with DOM + SVG after the main page. Nothing is fetched; all text goes
// in through textContent. The selected topic follows the main page's ("topics:select" event).
(function () {
  "use strict";
  if (document.body.getAttribute("data-kind") !== "explorer") return;
  var SVGNS = "http://www.w3.org/2000/svg";
  var DATA = JSON.parse(document.getElementById("topics-data").textContent);
  var T = DATA.over_time, G = DATA.by_group, C = DATA.over_time_by_group;
  if (!T && !G) return;
  var main = document.getElementById("main");
  var state = { topic: 0, bin: 0 };

  function make(node, attrs, children) {
    Object.keys(attrs || {}).forEach(function (key) {
      var v = attrs[key];
      if (v === null || v === undefined || v === false) return;
      if (key === "text") node.textContent = v;
      else if (key === "cls") node.setAttribute("class", v);
      else node.setAttribute(key, String(v));
    });
    (children || []).forEach(function (c) {
      if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function el(tag, attrs, children) { return make(document.createElement(tag), attrs, children); }
  function svg(tag, attrs, children) { return make(document.createElementNS(SVGNS, tag), attrs, children); }
  function pct(v) { return v === null || v === undefined ? "—" : (100 * v).toFixed(1) + "%"; }

  var chart = null;
  if (T && T.bins.length) chart = timePanel();
  var groups = G && G.groups.length ? groupPanel() : null;
  var cross = chart && C && C.groups.length && C.bins.length === T.bins.length ? crossPanel() : null;
  document.addEventListener("topics:select", function (ev) {
    state.topic = ev.detail;
    redraw();
  });
  redraw();
  document.body.setAttribute("data-trends-ready", "1");

  function redraw() {
    if (chart) chart.draw();
    if (groups) groups.draw();
    if (cross) cross.draw();
  }
  // the topic's names, as the main page shows them: the user's as given, an automatic one in
  // brackets and said to be automatic
  function nameSpan(t) {
    var topic = DATA.topics[t.id] || {};
    if (topic.name) return el("span", { cls: "tname user", text: " · " + topic.name });
    if (!topic.auto_name) return el("span");
    return el("span", { cls: "tname auto", text: " · [" + topic.auto_name + "] (automatic name)" });
  }

  // a chart panel's section, heading and W×H chart: ids PREFIX-panel, PREFIX-h, PREFIX-chart
  function chartPanel(prefix, W, H) {
    var panel = el("section", { cls: "panel", id: prefix + "-panel",
      "aria-labelledby": prefix + "-h" });
    var heading = el("h2", { id: prefix + "-h" });
    var plot = svg("svg", { id: prefix + "-chart", viewBox: "0 0 " + W + " " + H, role: "img",
      "aria-labelledby": prefix + "-h", width: "100%" });
    return { panel: panel, heading: heading, plot: plot };
  }

  // ---------------------------------------------------------------- over time
  function timePanel() {
    var W = 640, H = 220, L = 48, R = 12, TOP = 12, B = 36;
    var n = T.bins.length;
    var frame = chartPanel("time", W, H), panel = frame.panel, heading = frame.heading;
    var plot = frame.plot;
    var slider = el("input", { type: "range", id: "time-bin", min: 0, max: n - 1, step: 1,
      value: 0, "aria-describedby": "time-help" });
    var out = el("output", { "for": "time-bin", id: "time-bin-value" });
    var words = el("p", { id: "time-words", "aria-live": "polite" });
    var counts = T.time_values;
    panel.appendChild(heading);
    panel.appendChild(el("p", { cls: "muted small", id: "time-help", text:
      "Prevalence: the topic's mean share of its documents' weight in each " + T.bin + " (" +
      T.field + "), with its 95% bootstrap interval (shaded). " + counts.with_time + " of " +
      counts.documents + " documents have a time" + (counts.missing + counts.bad ?
      " (" + counts.missing + " missing, " + counts.bad + " not a date: fitted, in no bin)" : "") +
      ". Move the slider to see the topic's words within a " + T.bin + "." }));
    panel.appendChild(plot);
    panel.appendChild(el("div", { cls: "controls" }, [
      el("label", { "for": "time-bin", text: "Bin" }), slider, out]));
    panel.appendChild(words);
    main.appendChild(panel);
    function x(i) { return L + (n === 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1)); }
    function onBin() {
      var v = parseInt(slider.value, 10);
      if (!isFinite(v)) return;
      state.bin = v;
      redraw();
    }
    slider.addEventListener("input", onBin);
    slider.addEventListener("change", onBin);
    function draw() {
      var t = T.topics[state.topic];
      var top = Math.max.apply(null, t.high.concat(t.prevalence).filter(function (v) {
        return v !== null; }).concat([0.01])) * 1.1;
      function y(v) { return TOP + (H - TOP - B) * (1 - v / top); }
      heading.textContent = "Topic " + t.id + " over time";
      heading.appendChild(nameSpan(t));
      plot.textContent = "";
      plot.appendChild(svg("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), cls: "axis" }));
      [0, 0.5, 1].forEach(function (f) {
        plot.appendChild(svg("text", { x: L - 6, y: y(top * f / 1.1) + 4, "text-anchor": "end",
          cls: "tick", text: pct(top * f / 1.1) }));
      });
      segments(t).forEach(function (seg) {
        var upper = seg.map(function (i) { return x(i) + "," + y(t.high[i]); });
        var lower = seg.slice().reverse().map(function (i) { return x(i) + "," + y(t.low[i]); });
        plot.appendChild(svg("polygon", { points: upper.concat(lower).join(" "), cls: "band" }));
        plot.appendChild(svg("polyline", { cls: "trend", "data-topic": t.id, points:
          seg.map(function (i) { return x(i) + "," + y(t.prevalence[i]); }).join(" ") }));
      });
      var step = Math.max(1, Math.ceil(n / 8));
      T.bins.forEach(function (b, i) {
        if (i % step === 0 || i === n - 1)
          plot.appendChild(svg("text", { x: x(i), y: H - B + 16, "text-anchor": "middle",
            cls: "tick", text: b.bin }));
      });
      var i = state.bin;
      plot.appendChild(svg("line", { id: "time-marker", x1: x(i), x2: x(i), y1: TOP,
        y2: y(0), cls: "marker" }));
      if (t.prevalence[i] !== null)
        plot.appendChild(svg("circle", { cx: x(i), cy: y(t.prevalence[i]), r: 4, cls: "dot" }));
      out.textContent = T.bins[i].bin + " · " + T.bins[i].documents + " documents · " +
        pct(t.prevalence[i]) + " [" + pct(t.low[i]) + "–" + pct(t.high[i]) + "]";
      var found = t.words ? t.words[i] : [];
      words.textContent = found && found.length ? "Words in " + T.bins[i].bin + ": " +
        found.join(" ") : "No words in " + T.bins[i].bin + " (no documents there).";
    }
    return { draw: draw };
  }

  function segments(t) {
    var out = [], cur = [];
    t.prevalence.forEach(function (v, i) {
      if (v === null) { if (cur.length) out.push(cur); cur = []; }
      else cur.push(i);
    });
    if (cur.length) out.push(cur);
    return out;
  }

  // ---------------------------------------------------------------- by group
  function groupPanel() {
    var panel = el("section", { cls: "panel", id: "group-panel", "aria-labelledby": "group-h" });
    var heading = el("h2", { id: "group-h" });
    var body = el("tbody");
    panel.appendChild(heading);
    panel.appendChild(el("p", { cls: "muted small", text:
      "The topic's prevalence in each group (" + (G.field || "the labels") + ") with its 95% " +
      "bootstrap interval, and the words that distinguish the group within the topic: " +
      "log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), z-scores." }));
    panel.appendChild(el("table", { id: "group-table" }, [
      el("thead", {}, [el("tr", {}, ["group", "documents", "prevalence", "interval",
        "distinguishing words"].map(function (h) { return el("th", { text: h }); }))]),
      body]));
    main.appendChild(panel);
    function draw() {
      var t = G.topics[state.topic];
      heading.textContent = "Topic " + t.id + " by group";
      heading.appendChild(nameSpan(t));
      body.textContent = "";
      G.groups.forEach(function (g, i) {
        body.appendChild(el("tr", {}, [
          el("td", { text: g.group }), el("td", { text: String(g.documents) }),
          el("td", { text: pct(t.prevalence[i]) }),
          el("td", { text: pct(t.low[i]) + "–" + pct(t.high[i]) }),
          el("td", { text: t.words ? t.words[i].join(" ") : "" })]));
      });
    }
    return { draw: draw };
  }

  // ---------------------------------------------------------------- over time by group
  // one line per group (the topic's prevalence in the group's documents of each bin), the
  // time slider's bin marked, and per group that bin's prevalence, interval and words
  function crossPanel() {
    var W = 640, H = 200, L = 48, R = 12, TOP = 12, B = 36;
    var n = C.bins.length;
    var frame = chartPanel("cross", W, H), panel = frame.panel, heading = frame.heading;
    var plot = frame.plot;
    var body = el("tbody");
    panel.appendChild(heading);
    panel.appendChild(el("p", { cls: "muted small", text:
      "The topic's prevalence within each group (" + (G && G.field || "the labels") + ") per " +
      C.bin + ": one line per group. The time slider above picks the " + C.bin + " the table " +
      "shows: each group's documents there, the prevalence with its 95% bootstrap interval, " +
      "and the topic's words in that group and " + C.bin + "." }));
    panel.appendChild(plot);
    panel.appendChild(el("table", { id: "cross-table" }, [
      el("thead", {}, [el("tr", {}, ["group", "documents", "prevalence", "interval", "words"]
        .map(function (h) { return el("th", { text: h }); }))]), body]));
    main.appendChild(panel);
    function x(i) { return L + (n === 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1)); }
    function draw() {
      var t = C.topics[state.topic], i = state.bin;
      heading.textContent = "Topic " + t.id + " over time by group · " + C.bins[i];
      heading.appendChild(nameSpan(t));
      var top = 0.01;
      t.prevalence.forEach(function (row) { row.forEach(function (v) {
        if (v !== null && v > top) top = v; }); });
      top *= 1.1;
      function y(v) { return TOP + (H - TOP - B) * (1 - v / top); }
      plot.textContent = "";
      plot.appendChild(svg("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), cls: "axis" }));
      plot.appendChild(svg("text", { x: L - 6, y: y(top / 1.1) + 4, "text-anchor": "end",
        cls: "tick", text: pct(top / 1.1) }));
      C.groups.forEach(function (g, gi) {
        segments({ prevalence: t.prevalence[gi] }).forEach(function (seg) {
          plot.appendChild(svg("polyline", { cls: "trend cross g" + (gi % 6), "data-group": g,
            points: seg.map(function (j) { return x(j) + "," + y(t.prevalence[gi][j]); })
              .join(" ") }));
        });
      });
      plot.appendChild(svg("line", { id: "cross-marker", x1: x(i), x2: x(i), y1: TOP,
        y2: y(0), cls: "marker" }));
      body.textContent = "";
      C.groups.forEach(function (g, gi) {
        var found = t.words ? t.words[gi][i] : [];
        body.appendChild(el("tr", { "data-group": g, cls: "g" + (gi % 6) }, [
          el("td", { text: g }), el("td", { text: String(C.documents[gi][i]) }),
          el("td", { text: pct(t.prevalence[gi][i]) }),
          el("td", { text: pct(t.low[gi][i]) + "–" + pct(t.high[gi][i]) }),
          el("td", { text: found.join(" ") })]));
      });
    }
    return { draw: draw };
  }
})();
