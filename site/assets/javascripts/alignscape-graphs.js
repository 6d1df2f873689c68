/* alignscape graphs: the lineage timeline and the trade-off rules graph (Cytoscape), the
 * trade-off scatter with its Pareto front, and the any-two-dimensions heat map.
 *
 * Everything drawn comes from generated JSON; catalog text reaches the page only through
 * textContent and setAttribute, never as HTML. No graph captures the page's scroll: the wheel
 * zooms only with Ctrl (or Cmd) held, and on touch screens a graph takes gestures only after a
 * tap on "Move the graph". Colours come from CSS custom properties (graphs.css), re-read when
 * the reader switches between light and dark. */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
  }

  function loadJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  // Our own pages only: a relative path of plain characters, never a scheme.
  function safeHref(base, url) {
    return /^[A-Za-z0-9_\-./]+(#[A-Za-z0-9_\-.]*)?$/.test(url) ? base + url : "#";
  }

  function explorerHref(base, expr) {
    return base + "explorer.html?expr=" + encodeURIComponent(expr);
  }

  function colours(node) {
    var style = getComputedStyle(node);
    var names = ["fg", "muted", "bg", "edge", "entry", "option", "tradeoff", "focus",
      "better", "worse", "middle", "synthesis", "evaluation", "instantiation", "front"];
    var out = {};
    names.forEach(function (n) {
      out[n] = style.getPropertyValue("--asg-" + n).trim() || "#888888";
    });
    return out;
  }

  function onSchemeChange(callback) {
    var observer = new MutationObserver(callback);
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function params() { return new URLSearchParams(window.location.search); }

  function setParams(values) {
    var p = params();
    Object.keys(values).forEach(function (k) {
      if (values[k] === null || values[k] === "") p.delete(k); else p.set(k, values[k]);
    });
    var search = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : "") +
      window.location.hash);
  }

  /* ---------------------------------------------------------------- Cytoscape graphs */

  function graphStyle(c, data) {
    var many = data.elements.nodes.length > 400;
    return [
      { selector: "node", style: {
        "label": many ? "" : "data(label)", "font-size": 12, "width": 12, "height": 12,
        "text-wrap": "ellipsis", "text-max-width": 104,
        "background-color": c.option, "color": c.fg, "text-valign": "center",
        "text-halign": "right", "text-margin-x": 4, "min-zoomed-font-size": 7,
        "text-background-color": c.bg, "text-background-opacity": 0.75,
        "text-background-padding": 1 } },
      { selector: "node[type = 'entry']", style: { "background-color": c.entry } },
      { selector: "node[type = 'tradeoff']", style: { "background-color": c.tradeoff,
        "shape": "round-rectangle", "width": 18, "height": 18, "font-weight": "bold" } },
      { selector: "node[type = 'option']", style: { "text-halign": "left", "text-margin-x": -4 } },
      { selector: "node[stage = 'synthesis']", style: { "background-color": c.synthesis } },
      { selector: "node[stage = 'evaluation']", style: { "background-color": c.evaluation } },
      { selector: "node[stage = 'instantiation']", style: { "background-color": c.instantiation } },
      { selector: "node[type = 'year']", style: { "label": "data(label)", "font-size": 16,
        "font-weight": "bold", "color": c.muted, "background-opacity": 0, "width": 1,
        "height": 1, "text-halign": "center", "text-margin-x": 0,
        "text-background-opacity": 0, "events": "no" } },
      { selector: "edge", style: { "width": 1, "line-color": c.edge, "opacity": 0.7,
        "curve-style": "straight", "target-arrow-color": c.edge,
        "target-arrow-shape": data.directed ? "triangle" : "none", "arrow-scale": 0.8 } },
      { selector: "edge[sign = 1]", style: { "line-color": c.better, "target-arrow-color": c.better, "width": 1.5 } },
      { selector: "edge[sign = -1]", style: { "line-color": c.worse, "target-arrow-color": c.worse, "width": 1.5 } },
      { selector: "edge[sign = 0]", style: { "line-color": c.middle, "target-arrow-color": c.middle, "width": 1.5 } },
      { selector: ".asg-faded", style: { "opacity": 0.12 } },
      { selector: "node.asg-near", style: { "label": "data(label)", "opacity": 1 } },
      { selector: "edge.asg-near", style: { "opacity": 1, "width": 2.5 } },
      { selector: "node.asg-focus, node:selected", style: { "label": "data(label)",
        "border-width": 3, "border-color": c.focus, "font-weight": "bold", "width": 16, "height": 16 } },
      { selector: "node.asg-hover", style: { "label": "data(label)", "border-width": 2, "border-color": c.focus } }
    ];
  }

  function addAxis(cy, data) {
    if (!data.axis || !data.axis.length) return;
    var ys = data.elements.nodes.map(function (n) { return n.position.y; });
    var top = Math.min.apply(null, ys) - 50;
    var bottom = Math.max.apply(null, ys) + 45;
    var added = [];
    data.axis.forEach(function (a) {
      var x = (a.x0 + a.x1) / 2 + 40;
      [top, bottom].forEach(function (y, i) {
        added.push({ group: "nodes", data: { id: "year:" + a.year + ":" + i, label: String(a.year), type: "year" },
          position: { x: x, y: y }, selectable: false, grabbable: false, locked: true });
      });
    });
    cy.add(added);
  }

  function nodeHref(d) {
    if (d.type === "entry") return "entries/" + d.entry + ".html";
    if (d.type === "option") {
      var parts = String(d.option).split(".");
      return "taxonomy/" + parts[0] + ".html#" + parts[1] + "-" + parts.slice(2).join(".");
    }
    if (d.type === "tradeoff") return "tradeoffs/" + d.tradeoff + ".html";
    return null;
  }

  function drawGraph(holder, data) {
    var base = holder.getAttribute("data-base") || "";
    var name = holder.getAttribute("data-name");
    var canvas = el("div", { "class": "as-graph-canvas asg-canvas", role: "img",
      "aria-label": "Interactive " + name + " graph; the same content is in the table below" });
    holder.insertBefore(canvas, holder.querySelector(".asg-graph-fallback"));
    var c = colours(holder);
    var cy = window.cytoscape({
      container: canvas, elements: data.elements,
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.05, maxZoom: 4, userZoomingEnabled: false, boxSelectionEnabled: false,
      autoungrabify: true, style: graphStyle(c, data)
    });
    addAxis(cy, data);
    var home = function () {
      // The whole graph when its labels stay readable; otherwise a readable zoom with every
      // row in view, at the most recent years (drag sideways for the earlier ones).
      cy.fit(undefined, 30);
      if (name === "lineage" && cy.zoom() < 0.8) {
        var box = cy.elements().boundingBox();
        var level = Math.max(0.8, Math.min(1.1, (canvas.clientHeight - 40) / box.h));
        cy.zoom(level);
        cy.pan({ x: canvas.clientWidth - 20 - box.x2 * level, y: 20 - box.y1 * level });
      }
    };
    home();
    onSchemeChange(function () { cy.style(graphStyle(colours(holder), data)); });

    // Zoom: buttons, keyboard-free; the wheel only with a modifier, so the page scrolls.
    var zoomBy = function (factor, at) {
      var level = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), cy.zoom() * factor));
      cy.zoom({ level: level, renderedPosition: at || { x: canvas.clientWidth / 2, y: canvas.clientHeight / 2 } });
    };
    canvas.addEventListener("wheel", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey)) return;
      ev.preventDefault();
      var box = canvas.getBoundingClientRect();
      zoomBy(ev.deltaY < 0 ? 1.15 : 1 / 1.15, { x: ev.clientX - box.left, y: ev.clientY - box.top });
    }, { passive: false });
    var toolbar = holder.querySelector(".asg-toolbar");
    if (toolbar) {
      toolbar.hidden = false;
      toolbar.querySelector(".asg-zoom-in").addEventListener("click", function () { zoomBy(1.3); });
      toolbar.querySelector(".asg-zoom-out").addEventListener("click", function () { zoomBy(1 / 1.3); });
      toolbar.querySelector(".asg-fit").addEventListener("click", function () { cy.fit(undefined, 30); });
      var reset = toolbar.querySelector(".asg-home");
      if (reset) reset.addEventListener("click", home);
    }
    // Touch screens: a finger on the graph scrolls the page until the reader asks to move it.
    if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
      var shield = el("button", { type: "button", "class": "asg-shield" }, "Tap to move the graph");
      holder.insertBefore(shield, canvas.nextSibling);
      shield.addEventListener("click", function () { shield.hidden = true; });
      canvas.addEventListener("touchend", function () {}, { passive: true });
    }

    cy.on("mouseover", "node", function (ev) { ev.target.addClass("asg-hover"); });
    cy.on("mouseout", "node", function (ev) { ev.target.removeClass("asg-hover"); });
    holder.classList.add("asg-live");
    window.alignscapeGraphs = window.alignscapeGraphs || {};
    window.alignscapeGraphs[name] = cy;
    if (name === "lineage") lineageFocus(cy, base);
    else {
      cy.on("tap", "node", function (ev) {
        var href = nodeHref(ev.target.data());
        if (href) window.location.href = safeHref(base, href);
      });
    }
  }

  /* Lineage: focus on a work (search or click) and show its neighbourhood. */
  function lineageFocus(cy, base) {
    var box = document.querySelector(".asg-focus");
    if (!box) return;
    box.hidden = false;
    var input = box.querySelector("#asg-lineage-search");
    var deep = box.querySelector("#asg-lineage-deep");
    var status = box.querySelector("#asg-lineage-status");
    var list = box.querySelector("#asg-lineage-names");
    var byKey = {};
    var entries = cy.nodes("[type = 'entry']");
    entries.sort(function (a, b) { return a.data("label").localeCompare(b.data("label")); })
      .forEach(function (n) {
        list.appendChild(el("option", { value: n.data("label") }, n.data("name") + " (" + n.data("year") + ")"));
        [n.data("label"), n.data("name"), n.data("entry")].forEach(function (k) {
          if (k) byKey[String(k).toLowerCase()] = byKey[String(k).toLowerCase()] || n;
        });
      });
    var current = null;

    function names(nodes) {
      return nodes.map(function (n) { return n.data("label"); }).sort().join(", ");
    }

    function clear() {
      current = null;
      cy.elements().removeClass("asg-faded asg-near asg-focus");
      status.textContent = "";
      setParams({ focus: null });
    }

    function focus(node, animate) {
      current = node;
      var near = deep.checked
        ? node.predecessors().union(node.successors()).union(node)
        : node.closedNeighborhood();
      cy.elements().removeClass("asg-near asg-focus").addClass("asg-faded");
      cy.nodes("[type = 'year']").removeClass("asg-faded");
      near.removeClass("asg-faded").addClass("asg-near");
      node.addClass("asg-focus");
      var parents = node.incomers("node"), children = node.outgoers("node");
      status.textContent = "";
      status.appendChild(el("strong", null, node.data("label")));
      status.appendChild(document.createTextNode(" — " + node.data("name") + ", " + node.data("year") +
        ". Builds on: " + (parents.length ? names(parents) : "nothing in the catalog") +
        ". Built upon by: " + (children.length ? names(children) : "nothing yet") + ". "));
      status.appendChild(el("a", { href: safeHref(base, "entries/" + node.data("entry") + ".html") },
        "Open its page"));
      setParams({ focus: node.data("entry") });
      if (animate) cy.animate({ fit: { eles: near, padding: 60 }, duration: 300 });
      else cy.fit(near, 60);
    }

    function fromInput() {
      var node = byKey[input.value.trim().toLowerCase()];
      if (node) focus(node, true);
      else if (input.value.trim()) status.textContent = "No work called “" + input.value.trim() + "” in the lineage.";
    }
    input.addEventListener("change", fromInput);
    input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") fromInput(); });
    deep.addEventListener("change", function () { if (current) focus(current, true); });
    box.querySelector("#asg-lineage-clear").addEventListener("click", function () {
      input.value = "";
      clear();
      cy.animate({ fit: { eles: cy.elements(), padding: 30 }, duration: 300 });
    });
    cy.on("tap", "node[type = 'entry']", function (ev) {
      input.value = ev.target.data("label");
      focus(ev.target, true);
    });
    cy.on("dbltap", "node[type = 'entry']", function (ev) {
      window.location.href = safeHref(base, "entries/" + ev.target.data("entry") + ".html");
    });
    cy.on("tap", function (ev) { if (ev.target === cy && current) clear(); });
    var wanted = params().get("focus");
    if (wanted && byKey[wanted.toLowerCase()]) {
      input.value = byKey[wanted.toLowerCase()].data("label");
      focus(byKey[wanted.toLowerCase()], false);
    }
    window.alignscapeLineage = { focus: function (key) {
      var node = byKey[String(key).toLowerCase()];
      if (node) focus(node, false);
      return !!node;
    }, clear: clear };
  }

  /* ---------------------------------------------------------------- Pareto front */

  // The same definition as alignscape.query.analysis.pareto: rows no other row beats (at least
  // as good on every named dimension and better on one); rows with an unknown level are left out.
  function paretoFront(index, rows, dims) {
    var levels = index.tradeoffs.levels;
    var better = {};
    index.tradeoffs.dimensions.forEach(function (d) { better[d.id] = d.better; });
    var vectors = {}, goodness = {}, excluded = [];
    rows.forEach(function (row) {
      var v = [];
      for (var i = 0; i < dims.length; i++) {
        var level = row.tradeoffs[dims[i]];
        if (level === null || level === undefined) { excluded.push(row.id); return; }
        var rank = levels.indexOf(level);
        v.push(better[dims[i]] === "higher" ? rank : -rank);
      }
      goodness[row.id] = v;
      vectors[v.join(",")] = v;
    });
    var all = Object.keys(vectors).map(function (k) { return vectors[k]; });
    var front = {};
    all.forEach(function (v) {
      var beaten = all.some(function (w) {
        if (w.join(",") === v.join(",")) return false;
        for (var i = 0; i < v.length; i++) if (w[i] < v[i]) return false;
        return true;
      });
      if (!beaten) front[v.join(",")] = true;
    });
    var kept = rows.filter(function (r) { return goodness[r.id] && front[goodness[r.id].join(",")]; });
    return { rows: kept, excluded: excluded, considered: Object.keys(goodness).length,
      cells: front };
  }

  /* ---------------------------------------------------------------- scatter */

  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0) / 4294967296;
  }

  function Scatter(root, index) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = index;
    this.dims = {};
    var self = this;
    index.tradeoffs.dimensions.forEach(function (d) { self.dims[d.id] = d; });
    this.x = root.querySelector("#asg-scatter-x");
    this.y = root.querySelector("#asg-scatter-y");
    this.expr = root.querySelector("#asg-scatter-expr");
    var p = params();
    if (this.dims[p.get("x")]) this.x.value = p.get("x");
    if (this.dims[p.get("y")]) this.y.value = p.get("y");
    this.expr.value = p.get("expr") || "";
    var timer = null;
    this.x.addEventListener("change", function () { self.update(); });
    this.y.addEventListener("change", function () { self.update(); });
    this.expr.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.update(); }, 250);
    });
    root.hidden = false;
    var fallback = document.querySelector(".asg-scatter-static");
    if (fallback) fallback.hidden = true;
    onSchemeChange(function () { self.update(); });
    window.addEventListener("resize", function () {
      clearTimeout(self.resizeTimer);
      self.resizeTimer = setTimeout(function () { self.update(); }, 200);
    });
    this.update();
  }

  // Levels worst first, so the better end is right (x) or up (y).
  Scatter.prototype.levels = function (dim) {
    var levels = this.index.tradeoffs.levels.slice();
    return this.dims[dim].better === "higher" ? levels : levels.reverse();
  };

  Scatter.prototype.rows = function () {
    var status = this.root.querySelector("#asg-scatter-status");
    var text = this.expr.value.trim();
    this.expr.removeAttribute("aria-invalid");
    if (!text) { status.textContent = ""; return this.index.entries; }
    if (!window.AlignscapeQuery) {
      status.textContent = "Query expressions are not available in this build; showing every entry.";
      return this.index.entries;
    }
    var ast;
    try {
      ast = window.AlignscapeQuery.parse(text, this.index);
    } catch (err) {
      var where = typeof err.position === "number" ? " (at character " + (err.position + 1) + ")" : "";
      status.textContent = "Query not understood" + where + ": " + err.message;
      this.expr.setAttribute("aria-invalid", "true");
      return null;
    }
    status.textContent = "";
    return this.index.entries.filter(function (e) {
      try { return window.AlignscapeQuery.evaluate(ast, e); } catch (err) { return false; }
    });
  };

  Scatter.prototype.update = function () {
    var xd = this.x.value, yd = this.y.value, base = this.base;
    var plot = this.root.querySelector("#asg-scatter-plot");
    var out = this.root.querySelector("#asg-scatter-out");
    setParams({ x: xd, y: yd, expr: this.expr.value.trim() });
    var rows = this.rows();
    plot.textContent = "";
    out.textContent = "";
    if (!rows) return;
    var same = xd === yd;
    var dims = same ? [xd] : [xd, yd];
    var front = paretoFront(this.index, rows, dims);
    var onFront = {};
    front.rows.forEach(function (r) { onFront[r.id] = true; });
    var xl = this.levels(xd), yl = this.levels(yd);
    var cells = {};
    rows.forEach(function (r) {
      var a = r.tradeoffs[xd], b = r.tradeoffs[yd];
      if (a === null || a === undefined || b === null || b === undefined) return;
      var key = a + "|" + b;
      (cells[key] = cells[key] || []).push(r);
    });
    var c = colours(this.root);
    var width = Math.max(300, Math.min(plot.clientWidth || 640, 760));
    var ml = width < 480 ? 78 : 96, mb = 58, mt = 14, mr = 10;
    var cw = (width - ml - mr) / xl.length;
    var ch = Math.min(cw, 150);
    var height = mt + ch * yl.length + mb;
    var svg = svgEl("svg", { "class": "asg-scatter-svg", viewBox: "0 0 " + width + " " + height,
      width: width, height: height, role: "group",
      "aria-label": this.dims[xd].label + " against " + this.dims[yd].label + ": the table below lists the same counts" });
    svg.appendChild(svgEl("title", null, this.dims[xd].label + " against " + this.dims[yd].label));
    var self = this;
    yl.forEach(function (ly, j) {
      xl.forEach(function (lx, i) {
        var x0 = ml + i * cw, y0 = mt + (yl.length - 1 - j) * ch;
        var members = cells[lx + "|" + ly] || [];
        var isFront = members.length && onFront[members[0].id];
        svg.appendChild(svgEl("rect", { x: x0 + 1, y: y0 + 1, width: cw - 2, height: ch - 2, rx: 4,
          "class": "asg-cell" + (isFront ? " asg-cell-front" : "") }));
        var count = svgEl("text", { x: x0 + 8, y: y0 + 18, "class": "asg-cell-count" },
          members.length + (isFront ? " · front" : ""));
        svg.appendChild(count);
        members.slice(0, 500).forEach(function (r) {
          var px = x0 + 10 + hash(r.id) * (cw - 20);
          var py = y0 + 26 + hash(r.id + "y") * (ch - 34);
          var a = svgEl("a", { href: safeHref(base, r.url) });
          var dot = svgEl("circle", { cx: px.toFixed(1), cy: py.toFixed(1), r: 4,
            "class": "asg-dot" + (onFront[r.id] ? " asg-dot-front" : "") });
          dot.appendChild(svgEl("title", null, (r.short_name || r.name) + " (" + r.year + ")"));
          a.appendChild(dot);
          svg.appendChild(a);
        });
      });
    });
    xl.forEach(function (lx, i) {
      svg.appendChild(svgEl("text", { x: ml + (i + 0.5) * cw, y: mt + ch * yl.length + 18,
        "text-anchor": "middle", "class": "asg-axis-tick" }, lx));
    });
    yl.forEach(function (ly, j) {
      svg.appendChild(svgEl("text", { x: ml - 8, y: mt + (yl.length - 1 - j + 0.5) * ch + 4,
        "text-anchor": "end", "class": "asg-axis-tick" }, ly));
    });
    svg.appendChild(svgEl("text", { x: ml + (width - ml - mr) / 2, y: height - 12,
      "text-anchor": "middle", "class": "asg-axis-title" },
      this.dims[xd].label + " → better (" + this.dims[xd].better + ")"));
    svg.appendChild(svgEl("text", { x: 14, y: mt + ch * yl.length / 2, "text-anchor": "middle",
      "class": "asg-axis-title", transform: "rotate(-90 14 " + (mt + ch * yl.length / 2) + ")" },
      this.dims[yd].label + " → better"));
    plot.appendChild(svg);

    // The text alternative: counts per cell (each opening the explorer) and the front by name.
    var filter = this.expr.value.trim();
    var exprFor = function (lx, ly) {
      var e = xd + " = " + lx + (same ? "" : " and " + yd + " = " + ly);
      return filter ? "(" + filter + ") and " + e : e;
    };
    out.appendChild(el("p", null, rows.length + " entries selected; " + front.considered +
      " with both levels known, " + front.excluded.length + " left out (unknown or set by the data)."));
    var table = el("table", { "class": "asg-grid-table", "aria-label": "Entries per level" });
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, this.dims[yd].label + " \\ " + this.dims[xd].label));
    xl.forEach(function (lx) { head.appendChild(el("th", { scope: "col" }, lx)); });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    yl.slice().reverse().forEach(function (ly) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, ly));
      xl.forEach(function (lx) {
        var members = cells[lx + "|" + ly] || [];
        var td = el("td", members.length && onFront[members[0].id] ? { "class": "asg-front-cell" } : null);
        if (members.length) td.appendChild(el("a", { href: explorerHref(base, exprFor(lx, ly)) }, members.length));
        else td.appendChild(document.createTextNode("0"));
        if (members.length && onFront[members[0].id]) td.appendChild(el("span", { "class": "asg-front-mark" }, " front"));
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    out.appendChild(table);
    var p = el("p", { id: "asg-front-list" });
    p.appendChild(el("strong", null, "Pareto front (" + front.rows.length + " entries): "));
    front.rows.slice().sort(function (a, b) {
      return (a.short_name || a.name).localeCompare(b.short_name || b.name);
    }).forEach(function (r, i) {
      if (i) p.appendChild(document.createTextNode(", "));
      p.appendChild(el("a", { href: safeHref(base, r.url), "data-id": r.id, title: r.name }, r.short_name || r.name));
    });
    out.appendChild(p);
    self.front = front;
  };

  /* ---------------------------------------------------------------- any two dimensions */

  function PairHeat(root, index) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = index;
    this.dims = {};
    var self = this;
    index.dimensions.forEach(function (d) { self.dims[d.id] = d; });
    this.rowsSel = root.querySelector("#asg-pair-rows");
    this.colsSel = root.querySelector("#asg-pair-cols");
    var p = params();
    if (this.dims[p.get("rows")]) this.rowsSel.value = p.get("rows");
    if (this.dims[p.get("cols")]) this.colsSel.value = p.get("cols");
    this.rowsSel.addEventListener("change", function () { self.update(true); });
    this.colsSel.addEventListener("change", function () { self.update(true); });
    root.hidden = false;
    this.update(false);
  }

  PairHeat.prototype.update = function (write) {
    var a = this.dims[this.rowsSel.value], b = this.dims[this.colsSel.value], base = this.base;
    if (write) setParams({ rows: a.id, cols: b.id });
    var counts = {}, totals = {}, peak = 0;
    this.index.entries.forEach(function (e) {
      var mine = e.choices[a.id] || [], theirs = e.choices[b.id] || [];
      mine.forEach(function (x) {
        totals[x] = (totals[x] || 0) + 1;
        theirs.forEach(function (y) {
          var k = x + "|" + y;
          counts[k] = (counts[k] || 0) + 1;
          if (counts[k] > peak) peak = counts[k];
        });
      });
    });
    var wrap = el("div", { "class": "asg-heat-wrap" });
    var table = el("table", { "class": "asg-heat asg-heat-rot", "aria-label": a.label + " × " + b.label });
    var thead = el("thead"), head = el("tr");
    head.appendChild(el("th", { scope: "col", "class": "asg-heat-corner" }, a.label));
    b.options.forEach(function (o) {
      var th = el("th", { scope: "col" });
      th.appendChild(el("a", { href: explorerHref(base, b.id + " has " + o.id) }, o.label));
      head.appendChild(th);
    });
    head.appendChild(el("th", { scope: "col" }, "All"));
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    a.options.forEach(function (o) {
      var tr = el("tr"), th = el("th", { scope: "row" });
      th.appendChild(el("a", { href: explorerHref(base, a.id + " has " + o.id) }, o.label));
      tr.appendChild(th);
      b.options.forEach(function (p) {
        var n = counts[o.id + "|" + p.id] || 0;
        var shade = n && peak ? Math.max(1, Math.min(6, Math.ceil(n * 6 / peak))) : 0;
        var td = el("td", { "class": "asg-h" + shade });
        if (n) {
          td.appendChild(el("a", { href: explorerHref(base, a.id + " has " + o.id + " and " + b.id + " has " + p.id),
            title: o.label + " · " + p.label + ": " + n }, n));
        } else td.appendChild(el("span", { "class": "asg-sr" }, "0"));
        tr.appendChild(td);
      });
      tr.appendChild(el("td", { "class": "asg-heat-total" }, totals[o.id] || 0));
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    wrap.appendChild(table);
    var out = this.root.querySelector("#asg-pair-out");
    out.textContent = "";
    out.appendChild(wrap);
  };

  /* ---------------------------------------------------------------- start */

  function mount(id, Component, globalName) {
    var root = document.getElementById(id);
    if (!root) return;
    loadJSON(root.getAttribute("data-index")).then(function (index) {
      window[globalName] = new Component(root, index);
    }).catch(function (err) {
      root.hidden = false;
      root.insertBefore(el("p", { "class": "as-muted" }, "The index could not be loaded (" + err.message + ")."), root.firstChild);
    });
  }

  // A region that scrolls sideways and holds nothing focusable can be reached with the
  // keyboard (tab to it, then the arrow keys scroll it): the theme's wide tables, on phones.
  function focusableScrollers() {
    var focusable = "a[href], button, input, select, textarea, [tabindex]";
    Array.prototype.forEach.call(document.querySelectorAll(
      ".md-typeset__scrollwrap, .md-typeset table:not([class]), .asg-heat-wrap, .asg-rules-wrap"),
    function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.querySelector(focusable) && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-asg-scroller", "");
      }
    });
  }

  function start() {
    focusableScrollers();
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(focusableScrollers, 200);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".asg-graph[data-graph]"), function (holder) {
      if (typeof window.cytoscape !== "function") return; // the static picture stays
      loadJSON(holder.getAttribute("data-graph")).then(function (data) {
        drawGraph(holder, data);
      }).catch(function (err) {
        holder.insertBefore(el("p", { "class": "as-muted" }, "The interactive graph could not be loaded (" + err.message + "); the static picture is below."), holder.firstChild);
      });
    });
    mount("asg-scatter", Scatter, "alignscapeScatter");
    mount("asg-pair", PairHeat, "alignscapePairHeat");
    window.alignscapePareto = paretoFront;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
