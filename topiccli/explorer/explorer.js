// topiccli explorer: hand-written, dependency-free. Reads the JSON block, draws with DOM + SVG.
// Nothing is fetched; all text goes in through textContent (never innerHTML).
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var DATA = JSON.parse(document.getElementById("topics-data").textContent);
  var main = document.getElementById("main");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      var v = attrs[key];
      if (v === null || v === undefined || v === false) return;
      if (key === "text") node.textContent = v;
      else if (key === "cls") node.setAttribute("class", v);
      else node.setAttribute(key, v === true ? "" : String(v));
    });
  }
  function append(node, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
  }
  // a name as text pieces with a line-break opportunity after each "." "-" "_" "/", so a table
  // header wraps at those points or between words, never inside a word ("alt.at heis m")
  function breakable(name) {
    var out = [];
    String(name).split(/(?<=[._\/-])/).forEach(function (piece, i) {
      if (i) out.push(document.createElement("wbr"));
      out.push(piece);
    });
    return out;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined) return "—";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    return v.toFixed(digits === undefined ? 3 : digits);
  }
  function pct(v) {
    if (v === null || v === undefined) return "—";
    return (100 * v).toFixed(v < 0.1 ? 1 : 0) + "%";
  }
  function sig(v) {
    if (v === null || v === undefined) return "—";
    var a = Math.abs(v);
    if (a !== 0 && (a < 0.001 || a >= 10000)) return v.toExponential(2);
    return v.toPrecision(3).replace(/\.?0+$/, "");
  }

  if (document.body.getAttribute("data-kind") === "sweep") sweepPage();
  else explorerPage();
  document.body.setAttribute("data-ready", "1");

  // ------------------------------------------------------------------ relevance (as data.py)
  // relevance = λ·log p(w|t) + (1−λ)·(log p(w|t) − log p(w)); ties go to the earlier term.
  function rankPole(pole, lam, n) {
    var lpw = DATA.terms.lp;
    var idx = pole.terms.map(function (_, i) { return i; });
    var rel = pole.lp.map(function (lp, i) {
      return lam * lp + (1.0 - lam) * (lp - lpw[pole.terms[i]]);
    });
    idx.sort(function (a, b) {
      if (rel[a] > rel[b]) return -1;
      if (rel[a] < rel[b]) return 1;
      return a - b;
    });
    return idx.slice(0, n);
  }

  // ------------------------------------------------------------------ the explorer page
  // names: the user's as given; an automatic one always in brackets and said to be automatic
  function nameText(t) {
    if (t.name) return " · " + t.name;
    return t.auto_name ? " · [" + t.auto_name + "] (automatic name)" : "";
  }
  function nameNode(t) {
    if (t.name) return el("span", { cls: "tname user", "data-name": "user", text: " · " + t.name });
    if (!t.auto_name) return el("span");
    return el("span", { cls: "tname auto", "data-name": "auto",
      title: "automatic name: the topic's most distinctive words (name it with topics name)",
      text: " · [" + t.auto_name + "] (automatic name)" });
  }

  // The topic hierarchy (DATA.hierarchy, quality.hierarchy): a dendrogram whose leaves open
  // their topic. Leaves run down in the tree's own order; merge heights run right to left.
  function dendrogramPanel(onSelect) {
    var h = DATA.hierarchy, K = DATA.k;
    if (!h || K < 2 || !h.merges || !h.merges.length) return null;
    var nodes = {};
    h.merges.forEach(function (m) { nodes[m.id] = m; });
    var order = [];
    (function walk(id) {
      if (id < K) { order.push(id); return; }
      walk(nodes[id].children[0]);
      walk(nodes[id].children[1]);
    })(h.merges[h.merges.length - 1].id);
    var row = 20, labelW = 230, W = 460, pad = 10, top = 8, axis = 18;
    var H = top * 2 + row * K + axis;
    var heights = h.merges.map(function (m) { return m.height; });
    var maxH = Math.max.apply(null, heights), minH = Math.min.apply(null, heights);
    // the axis starts a little below the lowest merge (leaves sit there), so joins spread out
    var lo = Math.max(0, minH - 0.25 * (maxH - minH || maxH || 1));
    var plotW = W - labelW - 2 * pad;
    function x(height) { return pad + plotW * (1 - (height - lo) / ((maxH - lo) || 1)); }
    var pos = {};
    order.forEach(function (t, r) { pos[t] = { x: x(lo), y: top + row * r + row / 2 }; });
    var s = svg("svg", { cls: "dendrogram", id: "dendrogram", viewBox: "0 0 " + W + " " + H,
      role: "group", "aria-label": "Topic hierarchy of " + K + " topics" });
    var yAxis = top + row * K + 4;
    s.appendChild(svg("line", { cls: "axis", x1: x(maxH), x2: x(lo), y1: yAxis, y2: yAxis }));
    [maxH, lo].forEach(function (v, i) {
      s.appendChild(svg("text", { cls: "axislabel", x: x(v), y: yAxis + 12,
        "text-anchor": i ? "end" : "start", text: "JS " + fmt(v, 2) }));
    });
    var links = svg("g", { cls: "links", "aria-hidden": "true" });
    h.merges.forEach(function (m) {
      var a = pos[m.children[0]], b = pos[m.children[1]], xm = x(m.height);
      pos[m.id] = { x: xm, y: (a.y + b.y) / 2 };
      links.appendChild(svg("path", { d: "M" + a.x + "," + a.y + "H" + xm + "V" + b.y + "H" + b.x,
        "data-node": m.id }, [svg("title", { text: "merge at JS distance " + fmt(m.height, 3) +
        ": topics " + m.topics.join(", ") })]));
    });
    s.appendChild(links);
    var leaves = svg("g", { cls: "leaves" });
    order.forEach(function (t) {
      var topic = DATA.topics[t];
      var g = svg("g", { cls: "dleaf", tabindex: 0, role: "button", "data-topic": t,
        "aria-pressed": "false", "aria-label": "Open topic " + t + nameText(topic) });
      g.appendChild(svg("rect", { x: x(lo), y: pos[t].y - row / 2, width: labelW + pad,
        height: row, cls: "hit" }));
      var label = topic.name ? topic.name : (topic.auto_name ? "[" + topic.auto_name + "]" : "");
      g.appendChild(svg("text", { x: x(lo) + 6, y: pos[t].y + 4, cls: topic.name ? "user" : "auto",
        text: t + (label ? "  " + label : "") }));
      g.addEventListener("click", function () { onSelect(t); });
      g.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " " || ev.key === "Spacebar") {
          ev.preventDefault();
          onSelect(t);
        }
      });
      leaves.appendChild(g);
    });
    s.appendChild(leaves);
    var panel = el("section", { cls: "panel", "aria-labelledby": "tree-h" }, [
      el("h2", { id: "tree-h", text: "Topic hierarchy" }),
      el("p", { cls: "muted small", id: "tree-help", text:
        "Topics joined by average linkage on the Jensen–Shannon distance between their word " +
        "distributions (the map's distance); a join further left is less alike (the axis runs " +
        "from " + fmt(lo, 2) + " to the root's " + fmt(maxH, 2) + "). topics reduce merges up this tree. Click a topic, or press Enter, " +
        "to open it. Names in [brackets] are automatic." }),
      s,
    ]);
    function mark(i) {
      s.querySelectorAll(".dleaf").forEach(function (g) {
        var on = Number(g.getAttribute("data-topic")) === i;
        g.classList.toggle("selected", on);
        g.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    return { panel: panel, mark: mark };
  }

  function explorerPage() {
    var svd = DATA.method === "svd";
    var K = DATA.k;
    var mapPts = [], mapSize = [0, 0];
    var state = { topic: 0, lam: 0.6, term: null };
    if (K > 0 && DATA.topics[0].poles[0].terms.length === 0) state.topic = 0;

    document.getElementById("subtitle").textContent =
      (svd ? "Truncated SVD (LSA)" : "NMF") + " · " + K + " topic" + (K === 1 ? "" : "s") +
      (K ? " (numbered 0 to " + (K - 1) + ", as in the table, JSON and CSV)" : "") + " · " + DATA.n_documents +
      " documents · " + DATA.n_terms + " terms in the vocabulary" +
      (DATA.language ? " · language assumed: " + DATA.language : "");

    var grid = el("div", { cls: "grid" });
    var left = el("div", { cls: "stack" });
    var right = el("div", { cls: "stack" });
    grid.appendChild(left);
    grid.appendChild(right);
    main.appendChild(grid);

    // map panel
    var mapPanel = el("section", { cls: "panel", "aria-labelledby": "map-h" });
    mapPanel.appendChild(el("h2", { id: "map-h", text: "Intertopic map" }));
    mapPanel.appendChild(el("p", { cls: "muted small", id: "map-help", text:
      "Each circle is a topic, numbered from 0 as in the table; its area is the topic's share" +
      (svd ? " (σ², the component's squared singular value, as a share of all k)" : "") +
      ". Closer circles have more similar word distributions (Jensen–Shannon distance, " +
      "laid out by classical MDS). Hover or focus a circle for its top words; click it, or " +
      "press Enter or Space, to select it. Tab moves between topics." }));
    var wrap = el("div", { cls: "mapwrap" });
    var tip = el("div", { cls: "tip", hidden: true, role: "status" });
    var mapSvg = drawMap();
    wrap.appendChild(mapSvg);
    wrap.appendChild(tip);
    mapPanel.appendChild(wrap);
    var termNote = el("p", { cls: "termnote", id: "term-note", "aria-live": "polite" });
    mapPanel.appendChild(termNote);
    left.appendChild(mapPanel);
    placeLabels();

    // documents per topic
    var countsPanel = el("section", { cls: "panel", "aria-labelledby": "counts-h" });
    countsPanel.appendChild(el("h2", { id: "counts-h", text: "How documents divide across topics" }));
    countsPanel.appendChild(el("p", { cls: "muted small", text:
      "Documents whose top topic is each topic" +
      (svd ? " (the component of largest signed weight: a document leaning to a negative pole " +
        "counts for another component)" : " (largest weight)") + ": the same count as the " +
      "table's docs, the JSON's n_documents and top_topic in --doc-topics." }));
    var countsList = el("ol", { cls: "hbars", id: "doc-counts" });
    countsPanel.appendChild(countsList);
    var zero = DATA.doc_counts.all_zero;
    countsPanel.appendChild(el("p", { cls: "small", id: "zero-docs", text: zero + " document" +
      (zero === 1 ? "" : "s") + " with all-zero weights (no top topic)" +
      (zero ? ", counted separately." : ".") }));
    left.appendChild(countsPanel);
    drawCounts();
    var tree = dendrogramPanel(function (i) { select(i, false); });
    if (tree) left.appendChild(tree.panel);

    // selected topic
    var topicPanel = el("section", { cls: "panel", id: "topic-panel", "aria-labelledby": "topic-h" });
    var topicH = el("h2", { id: "topic-h" });
    var badges = el("ul", { cls: "badges", id: "badges", "aria-label": "Quality of the topic" });
    var slider = el("input", { type: "range", id: "lambda", min: 0, max: 1, step: 0.01,
      value: state.lam, "aria-describedby": "lambda-help" });
    var out = el("output", { "for": "lambda", id: "lambda-value", text: state.lam.toFixed(2) });
    var controls = el("div", { cls: "controls" }, [
      el("label", { "for": "lambda", text: "Relevance λ" }), slider, out,
    ]);
    var help = el("p", { cls: "muted small", id: "lambda-help", text:
      "relevance(w, t) = λ·log p(w|t) + (1 − λ)·log(p(w|t) / p(w)) (Sievert & Shirley, 2014). " +
      "λ = 1 ranks by probability in the topic; λ = 0 by lift, favouring words special to it; " +
      "0.6 is the authors' suggestion. The page keeps, per topic" + (svd ? " and pole" : "") +
      ", every term in the top " + DATA.R + " at some λ in 0, 0.01, …, 1, and shows the top " +
      DATA.R + " for the current λ. Select a term (click, or Enter) to see which topics keep it." });
    var legend = el("div", { cls: "legend", "aria-hidden": "true" }, [
      el("span", null, [el("span", { cls: "swatch", style: "background:var(--hot)" }),
        svd ? "p(w|pole), the term's share of the pole's squared loadings" :
          "the topic's estimated part of the term's frequency (share × p(w|t))"]),
      el("span", null, [el("span", { cls: "swatch", style: "background:var(--corpus)" }),
        "the term's corpus frequency p(w)"]),
      el("span", null, ["number: p(w|t)"]),
    ]);
    var poles = el("div", { cls: "poles" + (svd ? " two" : ""), id: "poles" });
    topicPanel.appendChild(topicH);
    topicPanel.appendChild(badges);
    topicPanel.appendChild(controls);
    topicPanel.appendChild(help);
    topicPanel.appendChild(legend);
    topicPanel.appendChild(poles);
    if (svd) {
      topicPanel.appendChild(el("p", { cls: "muted small", text:
        "SVD components are signed. Each component's sign is fixed so its largest loading is " +
        "positive; the positive and negative poles are listed apart, each ranked by its own " +
        "p(w|pole): the squared loadings of that pole's terms, normalised. A document's weight " +
        "on a component (U·Σ) can be negative: it then leans to the negative pole." }));
    }
    right.appendChild(topicPanel);

    var docsPanel = el("section", { cls: "panel", "aria-labelledby": "docs-h" });
    docsPanel.appendChild(el("h2", { id: "docs-h", text: "Representative documents" }));
    var docsBody = el("div", { id: "docs" });
    docsPanel.appendChild(docsBody);
    right.appendChild(docsPanel);

    var labelPanel = null, labelBody = null;
    if (DATA.labels) {
      labelPanel = el("section", { cls: "panel", "aria-labelledby": "labels-h" });
      labelPanel.appendChild(el("h2", { id: "labels-h", text: "Label alignment" }));
      labelBody = el("div", { id: "label-align" });
      labelPanel.appendChild(labelBody);
      right.appendChild(labelPanel);
    }

    main.appendChild(labelTable());
    main.appendChild(aboutPanel());

    slider.addEventListener("input", onLambda);
    slider.addEventListener("change", onLambda);
    function onLambda() {
      var v = parseFloat(slider.value);
      if (!isFinite(v)) return;
      state.lam = v;
      out.textContent = v.toFixed(2);
      drawTerms();
    }
    select(state.topic, false);

    // ---------------------------------------------------------------- map
    function drawMap() {
      var W = 420, H = 380, pad = 14;
      var s = svg("svg", { cls: "map", viewBox: "0 0 " + W + " " + H, role: "group",
        "aria-label": "Intertopic map of " + K + " topics", "aria-describedby": "map-help" });
      var xs = DATA.topics.map(function (t) { return t.x; });
      var ys = DATA.topics.map(function (t) { return t.y; });
      var span = Math.max(Math.max.apply(null, xs) - Math.min.apply(null, xs),
        Math.max.apply(null, ys) - Math.min.apply(null, ys));
      var pts;
      if (K === 1) pts = [[W / 2, H / 2]];
      else if (!(span > 1e-9)) {
        // all topics at one point (identical distributions): a ring, so each stays clickable
        pts = DATA.topics.map(function (_, i) {
          var a = 2 * Math.PI * i / K;
          return [W / 2 + 0.3 * H * Math.cos(a), H / 2 + 0.3 * H * Math.sin(a)];
        });
      } else {
        var cx = (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2;
        var cy = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
        var scale = (Math.min(W, H) - 2 * pad - 2 * maxR()) / span;
        pts = DATA.topics.map(function (t) {
          return [W / 2 + (t.x - cx) * scale, H / 2 - (t.y - cy) * scale];
        });
      }
      s.appendChild(svg("line", { cls: "axis", x1: pad, x2: W - pad, y1: H / 2, y2: H / 2 }));
      s.appendChild(svg("line", { cls: "axis", x1: W / 2, x2: W / 2, y1: pad, y2: H - pad }));
      s.appendChild(svg("text", { cls: "axislabel", x: W - pad, y: H / 2 - 4, "text-anchor": "end",
        text: "MDS 1" }));
      s.appendChild(svg("text", { cls: "axislabel", x: W / 2 + 4, y: pad + 8, text: "MDS 2" }));
      // draw big circles first so small ones stay on top and clickable
      var order = DATA.topics.map(function (_, i) { return i; });
      order.sort(function (a, b) { return DATA.topics[b].share - DATA.topics[a].share || a - b; });
      var circles = svg("g", { cls: "circles" });
      var labels = svg("g", { cls: "labels", "aria-hidden": "true" });
      order.forEach(function (i) {
        var t = DATA.topics[i];
        var r = radius(t.share);
        var g = svg("g", { cls: "topic", tabindex: 0, role: "button", "data-topic": i,
          "aria-pressed": "false", "aria-label": topicLabel(t) });
        g.appendChild(svg("circle", { cls: "body", cx: pts[i][0], cy: pts[i][1], r: r }));
        g.appendChild(svg("circle", { cls: "ring", cx: pts[i][0], cy: pts[i][1], r: r + 4 }));
        g.addEventListener("click", function () { select(i, false); });
        g.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " " || ev.key === "Spacebar") {
            ev.preventDefault();
            select(i, false);
          }
        });
        g.addEventListener("mouseenter", function () { showTip(i); });
        g.addEventListener("mouseleave", hideTip);
        g.addEventListener("focus", function () { showTip(i); });
        g.addEventListener("blur", hideTip);
        circles.appendChild(g);
        labels.appendChild(svg("text", { x: pts[i][0], y: pts[i][1], "data-topic": i,
          text: String(t.id) }));
      });
      s.appendChild(circles);
      s.appendChild(svg("g", { cls: "leaders", "aria-hidden": "true" }));
      s.appendChild(labels); // numbers above every circle, so none is hidden by an overlap
      mapPts = pts;
      mapSize = [W, H];
      return s;
    }

    // Each number sits on its circle unless it would touch a number already placed (larger
    // topics first); then it moves just outside its circle, in the first free direction, with a
    // leader line back to it, so "2" on top of "1" never reads "21".
    function placeLabels() {
      var texts = Array.prototype.slice.call(mapSvg.querySelectorAll(".labels text"));
      var leaders = mapSvg.querySelector(".leaders");
      var placed = [];
      var grow = 16 / 13; // a selected number is drawn at 16px instead of 13px
      texts.forEach(function (tx) {
        var i = Number(tx.getAttribute("data-topic"));
        var c = mapPts[i], r = radius(DATA.topics[i].share);
        var bb = tx.getBBox();
        var w = bb.width * grow + 4, h = bb.height * grow + 2;
        var best = null;
        candidates(c, r, w, h).some(function (p) {
          var box = [p[0] - w / 2, p[1] - h / 2, w, h];
          var cost = overlap(box, placed) + outside(box);
          if (best === null || cost < best.cost) best = { p: p, box: box, cost: cost };
          return cost === 0;
        });
        placed.push(best.box);
        tx.setAttribute("x", best.p[0].toFixed(1));
        tx.setAttribute("y", best.p[1].toFixed(1));
        var dx = best.p[0] - c[0], dy = best.p[1] - c[1], d = Math.sqrt(dx * dx + dy * dy);
        if (d > 0.5) {
          tx.classList.add("moved");
          var edge = Math.max(0, d - Math.min(w, h) / 2);
          leaders.appendChild(svg("line", { cls: "leader", "data-topic": i,
            x1: (c[0] + dx * Math.min(r, edge) / d).toFixed(1), y1: (c[1] + dy * Math.min(r, edge) / d).toFixed(1),
            x2: (c[0] + dx * edge / d).toFixed(1), y2: (c[1] + dy * edge / d).toFixed(1) }));
        }
      });
    }
    function candidates(c, r, w, h) {
      var out = [[c[0], c[1]]];
      [0, 1, 2, 3].forEach(function (ring) {
        var dist = r + Math.max(w, h) / 2 + 3 + ring * (h + 2);
        for (var a = 0; a < 16; a++) {
          var angle = -Math.PI / 2 + a * Math.PI / 8;
          out.push([c[0] + dist * Math.cos(angle), c[1] + dist * Math.sin(angle)]);
        }
      });
      return out;
    }
    function overlap(box, placed) {
      var total = 0;
      placed.forEach(function (b) {
        var ox = Math.min(box[0] + box[2], b[0] + b[2]) - Math.max(box[0], b[0]);
        var oy = Math.min(box[1] + box[3], b[1] + b[3]) - Math.max(box[1], b[1]);
        if (ox > 0 && oy > 0) total += ox * oy;
      });
      return total;
    }
    function outside(box) {
      var W = mapSize[0], H = mapSize[1];
      var ox = Math.max(0, -box[0]) + Math.max(0, box[0] + box[2] - W);
      var oy = Math.max(0, -box[1]) + Math.max(0, box[1] + box[3] - H);
      return (ox + oy) * 100;
    }
    function maxR() { return K <= 3 ? 46 : K <= 10 ? 40 : 32; }
    function radius(share) {
      var top = Math.max.apply(null, DATA.topics.map(function (t) { return t.share; })) || 1;
      return Math.max(9, maxR() * Math.sqrt(Math.max(share, 0) / top));
    }
    function topicLabel(t) {
      return "Topic " + t.id + nameText(t) + ", share " + pct(t.share) + ". Top words: " +
        (t.hover_words.join(", ") || "none");
    }
    function showTip(i) {
      var t = DATA.topics[i];
      tip.textContent = "";
      tip.appendChild(el("b", { text: "Topic " + t.id + nameText(t) + " · share " + pct(t.share) }));
      tip.appendChild(document.createTextNode(t.hover_words.join(", ") || "(no words)"));
      var g = mapSvg.querySelector('[data-topic="' + i + '"] circle.body');
      var box = mapSvg.getBoundingClientRect();
      var vb = mapSvg.viewBox.baseVal;
      var f = box.width / vb.width;
      var cx = parseFloat(g.getAttribute("cx")) * f, cy = parseFloat(g.getAttribute("cy")) * f;
      var r = parseFloat(g.getAttribute("r")) * f;
      tip.hidden = false;
      var left = Math.min(Math.max(cx - tip.offsetWidth / 2, 0), box.width - tip.offsetWidth);
      var top = cy - r - tip.offsetHeight - 6;
      if (top < 0) top = cy + r + 6;
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }
    function hideTip() { tip.hidden = true; }

    // ---------------------------------------------------------------- selection
    function select(i, keepTerm) {
      state.topic = i;
      if (!keepTerm) state.term = null;
      mapSvg.querySelectorAll(".topic").forEach(function (g) {
        var on = Number(g.getAttribute("data-topic")) === i;
        g.classList.toggle("selected", on);
        g.setAttribute("aria-pressed", on ? "true" : "false");
      });
      mapSvg.querySelectorAll(".labels text").forEach(function (tx) {
        tx.classList.toggle("selected", Number(tx.getAttribute("data-topic")) === i);
      });
      var t = DATA.topics[i];
      topicH.textContent = "Topic " + t.id + (svd ? " (component " + t.id + ")" : "") +
        " · share " + pct(t.share) + (svd ? " · σ = " + sig(t.weight) : "");
      topicH.appendChild(nameNode(t));
      if (t.seed_words) topicH.appendChild(el("span", { cls: "seeds", "data-seeds": t.seed_words.join(" "),
        title: "a seeded topic (--seed-words): it started from these words and was held near them",
        text: " · seeded: " + t.seed_words.join(" ") }));
      if (tree) tree.mark(i);
      drawBadges(t);
      drawTerms();
      drawDocs(t);
      drawAlign(t);
      drawCounts();
      highlightTerm();
      document.dispatchEvent(new CustomEvent("topics:select", { detail: i }));  // trends.js
    }

    function drawBadges(t) {
      badges.textContent = "";
      var q = t.quality || {}, story = t.story || {};
      var meanings = DATA.flag_meanings || {};
      function add(text, flag, name) {
        badges.appendChild(el("li", { cls: "badge" + (flag ? " flag" : ""), "data-field": name, text: text }));
      }
      (story.flags || []).forEach(function (f) {
        var evidence = "";
        if (f === "narrow" && typeof q.shared_content === "number")
          evidence = " (a block of repeated words; its documents share " +
            fmt(q.shared_content, 2) + "× what random documents share beyond its top words)";
        else if (f === "narrow" && typeof q.effective_documents === "number")
          evidence = " (its weight comes from ≈ " + fmt(q.effective_documents, 1) + " documents)";
        add("⚠ " + f + (meanings[f] ? ": " + meanings[f] : "") + evidence, true, "flag-" + f);
      });
      if ("coherence_npmi" in q) add("coherence (NPMI) " + fmt(q.coherence_npmi, 2), false, "npmi");
      if (story.n_documents !== null && story.n_documents !== undefined)
        add(story.n_documents + " document" + (story.n_documents === 1 ? "" : "s") + " (top topic)",
          false, "n_documents");
      if (story.label !== null && story.label !== undefined)
        add("label " + story.label + " (" + pct(story.label_share) + ")", false, "label");
      if ("stability" in q) add("stability " + fmt(q.stability, 2), false, "stability");
      if (!badges.childNodes.length) add("no quality scores for this topic", false, "none");
    }

    function drawTerms() {
      var t = DATA.topics[state.topic];
      poles.textContent = "";
      t.poles.forEach(function (pole, pi) {
        var box = el("div", { cls: "pole" });
        var title = svd ? (pole.name === "positive" ? "Positive pole (+)" : "Negative pole (−)") :
          "Top " + DATA.R + " terms by relevance";
        box.appendChild(el("h3", { text: title + (pole.terms.length ? "" : ": no terms") }));
        var ranked = rankPole(pole, state.lam, DATA.R);
        var maxv = 0;
        ranked.forEach(function (j) {
          maxv = Math.max(maxv, DATA.terms.p[pole.terms[j]], part(t, pole.p[j]));
        });
        var list = el("ol", { cls: "terms", "data-pole": pole.name, "aria-label": title });
        ranked.forEach(function (j) {
          var ti = pole.terms[j];
          var word = DATA.terms.text[ti];
          var pc = DATA.terms.p[ti], pt = pole.p[j];
          var btn = el("button", { type: "button", cls: "term", "data-term": ti,
            "aria-pressed": state.term === ti ? "true" : "false",
            "aria-label": word + ": p(w|t) " + sig(pt) + ", corpus p(w) " + sig(pc) });
          btn.appendChild(el("span", { cls: "word", text: word, title: word }));
          var track = el("span", { cls: "track", "aria-hidden": "true" });
          track.appendChild(el("span", { cls: "corpus", style: "width:" + (100 * pc / maxv).toFixed(2) + "%" }));
          track.appendChild(el("span", { cls: "intopic",
            style: "width:" + Math.max(0.5, 100 * part(t, pt) / maxv).toFixed(2) + "%" }));
          btn.appendChild(track);
          btn.appendChild(el("span", { cls: "num", text: pct(pt) }));
          btn.addEventListener("click", function () {
            state.term = state.term === ti ? null : ti;
            drawTerms();
            highlightTerm();
          });
          list.appendChild(el("li", null, btn));
        });
        box.appendChild(list);
        poles.appendChild(box);
      });
    }

    // the dark bar: NMF, the topic's estimated part of the term's frequency (share · p(w|t),
    // on the scale of p(w)); SVD, p(w|pole) itself (a signed component has no such part)
    function part(t, p) { return svd ? p : t.share * p; }

    function termShares(ti) {
      // p(term|topic) for the topics whose kept terms include it (SVD: the larger pole's)
      return DATA.topics.map(function (t) {
        var best = 0;
        t.poles.forEach(function (pole) {
          var j = pole.terms.indexOf(ti);
          if (j >= 0) best = Math.max(best, pole.p[j]);
        });
        return best;
      });
    }
    function highlightTerm() {
      var groups = mapSvg.querySelectorAll(".topic");
      if (state.term === null) {
        groups.forEach(function (g) {
          var i = Number(g.getAttribute("data-topic"));
          g.classList.remove("dim", "has-term");
          g.querySelector("circle.body").setAttribute("r", radius(DATA.topics[i].share));
        });
        termNote.textContent = "";
        return;
      }
      var shares = termShares(state.term);
      var top = Math.max.apply(null, shares) || 1;
      var named = [];
      groups.forEach(function (g) {
        var i = Number(g.getAttribute("data-topic"));
        var p = shares[i];
        g.classList.toggle("has-term", p > 0);
        g.classList.toggle("dim", !(p > 0));
        g.querySelector("circle.body").setAttribute("r",
          p > 0 ? Math.max(9, maxR() * Math.sqrt(p / top)) : 9);
        if (p > 0) named.push([i, p]);
      });
      named.sort(function (a, b) { return b[1] - a[1]; });
      termNote.textContent = "“" + DATA.terms.text[state.term] + "”: circles now sized by " +
        "p(term|topic), in topics that keep it — " + named.map(function (x) {
          return "topic " + DATA.topics[x[0]].id + " (" + sig(x[1]) + ")";
        }).join(", ") + ". Select the term again to clear.";
    }

    function drawDocs(t) {
      docsBody.textContent = "";
      if (!DATA.texts.available) {
        docsBody.appendChild(el("p", { cls: "small textnote", id: "texts-note", text: DATA.texts.note ||
          "The documents' texts are not part of this page's data." }));
      }
      var groups = svd ? [["positive", "Most positive weight"], ["negative", "Most negative weight"]] :
        [["positive", null]];
      groups.forEach(function (g) {
        var docs = t.docs[g[0]] || [];
        if (g[1]) docsBody.appendChild(el("h3", { text: g[1] }));
        if (!docs.length) {
          docsBody.appendChild(el("p", { cls: "muted small", text: "No document has a " +
            (g[0] === "negative" ? "negative" : "positive") + " weight on this topic." }));
          return;
        }
        var list = el("ol", { cls: "docs" });
        docs.forEach(function (d) {
          var meta = el("div", { cls: "meta" }, [el("span", { cls: "id", text: d.id }),
            " · weight " + sig(d.weight) + (d.label !== null ? " · label " + d.label : "")]);
          list.appendChild(el("li", null, [meta,
            d.snippet !== null ? el("p", { cls: "snippet", text: d.snippet }) :
              el("p", { cls: "snippet muted", text: "(text not stored: see above)" })]));
        });
        docsBody.appendChild(list);
      });
    }

    function drawAlign(t) {
      if (!labelBody) return;
      labelBody.textContent = "";
      var row = DATA.labels.counts[t.id];
      var total = row.reduce(function (a, b) { return a + b; }, 0);
      var order = row.map(function (_, j) { return j; }).filter(function (j) { return row[j] > 0; });
      order.sort(function (a, b) { return row[b] - row[a] || a - b; });
      var story = t.story || {};
      var lead = story.label !== null && story.label !== undefined ?
        "Dominant label: " + story.label + " (" + pct(story.label_share) + " of the " + total +
        " labelled documents whose top topic it is)." : "";
      labelBody.appendChild(el("p", { cls: "small", text: lead ||
        "No document has this topic as its top topic." }));
      if (!order.length) return;
      labelBody.appendChild(el("p", { cls: "muted small", text:
        "Labels of the " + total + " labelled documents whose top topic is topic " + t.id + ":" }));
      var list = el("ol", { cls: "hbars" });
      order.slice(0, 8).forEach(function (j) {
        list.appendChild(el("li", { cls: "hbar" }, [
          el("span", { cls: "word", text: DATA.labels.names[j], title: DATA.labels.names[j] }),
          el("span", { cls: "bar", style: "width:" + (100 * row[j] / row[order[0]]).toFixed(1) + "%" }),
          el("span", { cls: "n", text: String(row[j]) })]));
      });
      labelBody.appendChild(list);
      if (order.length > 8) labelBody.appendChild(el("p", { cls: "muted small",
        text: "… and " + (order.length - 8) + " more labels (see the table below)." }));
      var rows = document.querySelectorAll("#label-table tbody tr");
      rows.forEach(function (tr, i) { tr.classList.toggle("selected", i === t.id); });
    }

    function drawCounts() {
      countsList.textContent = "";
      var counts = DATA.doc_counts.per_topic;
      var top = Math.max.apply(null, counts.concat([1]));
      counts.forEach(function (n, i) {
        var li = el("li", { cls: "hbar" + (i === state.topic ? " selected" : "") }, [
          el("span", { text: "Topic " + i + (i === state.topic ? " ◀" : "") }),
          el("span", { cls: "bar", style: "width:" + (100 * n / top).toFixed(1) + "%", "aria-hidden": "true" }),
          el("span", { cls: "n", text: String(n) })]);
        countsList.appendChild(li);
      });
    }

    function labelTable() {
      var section = el("section", { cls: "panel full", "aria-labelledby": "ltable-h" });
      if (!DATA.labels) {
        section.appendChild(el("h2", { id: "ltable-h", text: "Topics and labels" }));
        section.appendChild(el("p", { cls: "muted small", text: "The documents carry no labels." }));
        return section;
      }
      section.appendChild(el("h2", { id: "ltable-h", text: "Topics × labels" }));
      section.appendChild(el("p", { cls: "muted small", text: "Documents counted by their top " +
        "topic (rows) and label (columns); each row's largest count is bold and underlined." }));
      var names = DATA.labels.names;
      var thead = el("thead", null, el("tr", null, [el("th", { scope: "col", text: "topic" })].concat(
        names.map(function (n) { return el("th", { scope: "col", title: n }, breakable(n)); }),
        [el("th", { scope: "col", text: "total" })])));
      var tbody = el("tbody");
      DATA.labels.counts.forEach(function (row, i) {
        var mx = Math.max.apply(null, row.concat([0]));
        var total = row.reduce(function (a, b) { return a + b; }, 0);
        tbody.appendChild(el("tr", null, [el("th", { scope: "row", text: "Topic " + i })].concat(
          row.map(function (n) {
            return el("td", { cls: n === 0 ? "zero" : n === mx ? "top" : null, text: String(n) });
          }), [el("td", { text: String(total) })])));
      });
      section.appendChild(el("div", { cls: "tablewrap" },
        el("table", { id: "label-table" }, [thead, tbody])));
      return section;
    }

    function aboutPanel() {
      var section = el("section", { cls: "panel full about", "aria-labelledby": "about-h" });
      section.appendChild(el("h2", { id: "about-h", text: "About this page" }));
      var m = DATA.metrics || {};
      var list = el("ul", { cls: "metrics", "aria-label": "Corpus-level metrics" });
      Object.keys(m).forEach(function (key) {
        list.appendChild(el("li", null, [el("b", { text: key.replace(/_/g, " ") + ": " }), fmt(m[key])]));
      });
      if (list.childNodes.length) section.appendChild(list);
      var dist = svd ?
        "For the map, a component's word distribution is its squared loadings (a row of Vt has " +
        "unit length, so they sum to 1): both poles together, since the sign is a convention." :
        "For the map, a topic's word distribution is its row of H divided by the row's sum.";
      [dist,
       "Distances are Jensen–Shannon distances (the square root of the JS divergence in bits, " +
       "between 0 and 1), placed in two dimensions by classical multidimensional scaling; the " +
       "axes have no meaning of their own, only distances do.",
       "p(w) is each term's total in the document-term matrix, normalised. The term lists keep, " +
       "for each topic" + (svd ? " and pole" : "") + ", the union of the top " + DATA.R +
       " terms over λ = 0, 0.01, …, 1, so every order the slider can show is exact.",
       "The page is one self-contained file: no scripts, fonts or data are loaded from anywhere."
      ].forEach(function (text) { section.appendChild(el("p", { text: text })); });
      return section;
    }
  }

  // ------------------------------------------------------------------ the sweep page
  // The chart plots the criterion that chooses k (agreement, ± its spread, when the sweep used
  // it; else the score), shades the advice's range of plausible k, rings the k whose value is
  // within the noise of the recommended k, and says the verdict ("no clear k") in words.
  function sweepPage() {
    var rows = DATA.results || [];
    var rec = DATA.recommended_k;
    var advice = DATA.advice;
    var noise = DATA.within_noise || [];
    var criterion = (advice && advice.criterion) || DATA.criterion;
    var field = criterion === "agreement" &&
      rows.some(function (r) { return typeof r.agreement === "number"; }) ? "agreement" : "score";
    var spread = field === "agreement" ? "agreement_std" : null;
    var range = advice && advice.verdict === "range" ? advice.k_range : null;
    var verdict;
    if (advice && advice.verdict === "no_clear_k") verdict = "No clear k: the " + field +
      " curve cannot single one out.";
    else if (range) verdict = "Plausible k: " + (range[0] === range[1] ? range[0] : range[0] + " to " + range[1]) + ".";
    else verdict = rec === null || rec === undefined ? "No k recommended." : "Recommended k = " + rec + ".";
    document.getElementById("subtitle").textContent = "Which k? " + verdict +
      (DATA.seeds ? " Seeds per k: " + DATA.seeds + "." : "");
    var panel = el("section", { cls: "panel", "aria-labelledby": "score-h" });
    panel.appendChild(el("h2", { id: "score-h", text: (field === "agreement" ?
      "Agreement by k (mean ± one standard deviation)" : "Score by k") }));
    panel.appendChild(el("p", { cls: "verdict", id: "verdict", text: verdict }));
    if (advice && advice.evidence) panel.appendChild(el("p", { cls: "small", id: "evidence", text: advice.evidence }));
    if (advice && advice.next) panel.appendChild(el("p", { cls: "small", id: "next", text: "Next: " + advice.next }));
    panel.appendChild(chart());
    panel.appendChild(el("p", { cls: "muted small", id: "rule", text: DATA.rule || "" }));
    if (noise.length) panel.appendChild(el("p", { cls: "small", id: "noise-note", text:
      "Within noise of the recommended k (hollow points): k = " + noise.join(", ") +
      ". Their " + field + " is within the spread of the recommended k's, so the data cannot tell them apart." }));
    main.appendChild(panel);
    var table = el("section", { cls: "panel full", "aria-labelledby": "rows-h" });
    table.appendChild(el("h2", { id: "rows-h", text: "All rows" }));
    // k, then the criterion and its spread, then the rest; the score is left out when it is
    // not what chooses k (as in the command's table)
    var fields = ["k"].concat(field === "agreement" ? ["agreement", "agreement_std"] : ["score"]);
    rows.forEach(function (r) {
      Object.keys(r).forEach(function (f) {
        if (fields.indexOf(f) < 0 && !(field === "agreement" && f === "score")) fields.push(f);
      });
    });
    var thead = el("thead", null, el("tr", null, fields.map(function (f) {
      return el("th", { scope: "col", text: f.replace(/_/g, " ") });
    }).concat([el("th", { scope: "col", text: "reading" })])));
    var tbody = el("tbody");
    rows.forEach(function (r) {
      var isRec = r.k === rec;
      var marks = [];
      if (isRec) marks.push("★ recommended");
      if (noise.indexOf(r.k) >= 0) marks.push("≈ within noise");
      if (range && r.k >= range[0] && r.k <= range[1]) marks.push("in the plausible range");
      tbody.appendChild(el("tr", { cls: isRec ? "recommended" : null, "data-k": r.k }, fields.map(function (f, i) {
        return el(i === 0 ? "th" : "td", i === 0 ? { scope: "row", text: fmt(r[f]) } : { text: fmt(r[f]) });
      }).concat([el("td", { cls: "text", text: marks.join(" · ") })])));
    });
    table.appendChild(el("div", { cls: "tablewrap" }, el("table", { id: "sweep-table" }, [thead, tbody])));
    main.appendChild(table);

    function chart() {
      var W = 640, H = 300, L = 52, R = 20, T = 28, B = 44;
      var pts = rows.filter(function (r) { return typeof r[field] === "number"; });
      var s = svg("svg", { cls: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "data-field": field,
        "aria-label": field + " by k: " + pts.map(function (r) { return "k=" + r.k + " " + fmt(r[field]); }).join(", ") +
          (rec !== null && rec !== undefined ? "; recommended k=" + rec : "") + ". " + verdict });
      if (!pts.length) {
        s.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", text: "No " + field + " values." }));
        return s;
      }
      function lo(r) { return r[field] - (spread && typeof r[spread] === "number" ? r[spread] : 0); }
      function hi(r) { return r[field] + (spread && typeof r[spread] === "number" ? r[spread] : 0); }
      var ks = pts.map(function (r) { return r.k; });
      var kmin = Math.min.apply(null, ks), kmax = Math.max.apply(null, ks);
      var smax = Math.max.apply(null, pts.map(hi));
      var smin = Math.min(0, Math.min.apply(null, pts.map(lo)));
      var top = smax > smin ? smax + (smax - smin) * 0.15 : smin + 1;
      var inset = 28;
      var step = (W - L - R - 2 * inset) / Math.max(kmax - kmin, 1);
      function x(k) {
        return kmax > kmin ? L + inset + (k - kmin) * step : (L + W - R) / 2;
      }
      function y(v) { return T + (top - v) * (H - T - B) / (top - smin); }
      if (range) {
        var half = Math.min(step, 40) / 2;
        s.appendChild(svg("rect", { cls: "range", x: x(range[0]) - half, y: T, width: x(range[1]) - x(range[0]) + 2 * half,
          height: H - T - B }));
        s.appendChild(svg("text", { cls: "rangelabel", x: (x(range[0]) + x(range[1])) / 2, y: T + 12, "text-anchor": "middle",
          text: "plausible k" }));
      }
      for (var g = 0; g <= 4; g++) {
        var v = smin + (top - smin) * g / 4;
        s.appendChild(svg("line", { cls: "gridline", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
        s.appendChild(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", text: v.toFixed(2) }));
      }
      s.appendChild(svg("polyline", { cls: "line", points: pts.map(function (r) { return x(r.k) + "," + y(r[field]); }).join(" ") }));
      var dense = pts.length > 12;
      pts.forEach(function (r) {
        var isRec = r.k === rec, near = noise.indexOf(r.k) >= 0;
        if (spread && typeof r[spread] === "number" && r[spread] > 0) {
          s.appendChild(svg("line", { cls: "err", "data-k": r.k, x1: x(r.k), x2: x(r.k), y1: y(lo(r)), y2: y(hi(r)) }));
          s.appendChild(svg("line", { cls: "err", x1: x(r.k) - 4, x2: x(r.k) + 4, y1: y(lo(r)), y2: y(lo(r)) }));
          s.appendChild(svg("line", { cls: "err", x1: x(r.k) - 4, x2: x(r.k) + 4, y1: y(hi(r)), y2: y(hi(r)) }));
        }
        s.appendChild(svg(isRec ? "rect" : "circle", isRec ?
          { cls: "pt rec", "data-k": r.k, x: x(r.k) - 7, y: y(r[field]) - 7, width: 14, height: 14 } :
          { cls: "pt" + (near ? " noise" : ""), "data-k": r.k, cx: x(r.k), cy: y(r[field]), r: 5 }));
        if (!dense || r.k % 2 === kmin % 2 || isRec)
          s.appendChild(svg("text", { x: x(r.k), y: H - B + 18, "text-anchor": "middle", text: String(r.k) }));
        if (isRec) s.appendChild(svg("text", { x: Math.min(Math.max(x(r.k), L + 90), W - R - 90), y: T - 8,
          "text-anchor": "middle", cls: "reclabel", text: "★ recommended k=" + r.k + ": " + fmt(r[field]) }));
        else if (!dense) s.appendChild(svg("text", { x: x(r.k), y: y(hi(r)) - 8, "text-anchor": "middle", text: fmt(r[field]) }));
      });
      s.appendChild(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", text: "k (number of topics)" }));
      s.appendChild(svg("text", { x: 4, y: 12, text: field }));
      return s;
    }
  }
})();
