/* alignscape front end: the explorer, the comparison matrix and the interactive graphs.
 *
 * Everything shown comes from generated JSON files; catalog text is only ever put into the page
 * with textContent, never as HTML, so nothing in an entry can run here. */
(function () {
  "use strict";

  var SPECIAL_KEYS = ["kind", "year"];
  var PAGE_SIZE = 100;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function loadJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function safeHref(base, url) {
    // Index URLs are relative paths to our own pages; refuse anything with a scheme.
    return /^[A-Za-z0-9_\-./]+(#[A-Za-z0-9_\-.]*)?$/.test(url) ? base + url : "#";
  }

  function entryText(entry) {
    return [entry.name, entry.id, entry.summary].concat(entry.aliases || []).join(" ").toLowerCase();
  }

  /* ---------------------------------------------------------------- explorer */

  function Explorer(root, index) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = index;
    this.entries = index.entries;
    this.texts = this.entries.map(entryText);
    this.facets = this.buildFacets();
    this.selected = {};
    this.text = "";
    this.query = "";
    this.queryAst = null;
    this.shown = PAGE_SIZE;
    this.readURL();
    this.render();
    this.bind();
    this.update();
  }

  Explorer.prototype.buildFacets = function () {
    var index = this.index;
    var facets = [];
    var kinds = {};
    var years = {};
    this.entries.forEach(function (e) {
      kinds[e.kind] = true;
      years[e.year] = true;
    });
    facets.push({
      key: "kind", label: "Kind", group: "Entry",
      values: Object.keys(kinds).sort().map(function (k) { return { id: k, label: k }; }),
      get: function (e) { return [e.kind]; }
    });
    facets.push({
      key: "year", label: "Year", group: "Entry",
      values: Object.keys(years).sort().reverse().map(function (y) { return { id: y, label: y }; }),
      get: function (e) { return [String(e.year)]; }
    });
    index.dimensions.forEach(function (dim) {
      facets.push({
        key: dim.id, label: dim.label, group: dim.group, values: dim.options,
        get: function (e) { return e.choices[dim.id] || []; }
      });
    });
    var levels = index.tradeoffs.levels;
    index.tradeoffs.dimensions.forEach(function (dim) {
      var values = levels.map(function (l) { return { id: l, label: l }; });
      values.push({ id: "none", label: "not determined" });
      facets.push({
        key: "tradeoff." + dim.id, label: dim.label + " (" + dim.better + " is better)",
        group: "trade-offs", values: values,
        get: function (e) { var v = e.tradeoffs[dim.id]; return [v === null || v === undefined ? "none" : v]; }
      });
    });
    return facets;
  };

  Explorer.prototype.readURL = function () {
    var params = new URLSearchParams(window.location.search);
    var self = this;
    this.facets.forEach(function (f) {
      var wanted = params.getAll(f.key);
      if (wanted.length) {
        var known = {};
        f.values.forEach(function (v) { known[String(v.id)] = true; });
        var kept = wanted.filter(function (w) { return known[w]; });
        if (kept.length) self.selected[f.key] = kept;
      }
    });
    this.text = params.get("text") || "";
    this.query = params.get("expr") || "";
  };

  Explorer.prototype.writeURL = function () {
    var params = new URLSearchParams();
    var self = this;
    this.facets.forEach(function (f) {
      (self.selected[f.key] || []).forEach(function (v) { params.append(f.key, v); });
    });
    if (this.text) params.set("text", this.text);
    if (this.query) params.set("expr", this.query);
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  };

  Explorer.prototype.render = function () {
    var container = this.root.querySelector("#explorer-facets");
    var self = this;
    var lastGroup = null;
    this.countNodes = {};
    this.facets.forEach(function (f) {
      if (f.group !== lastGroup) {
        container.appendChild(el("p", { "class": "as-facet-group" }, f.group));
        lastGroup = f.group;
      }
      var details = el("details", { "class": "as-facet", "data-facet": f.key });
      if (self.selected[f.key] || f.key === "kind") details.open = true;
      details.appendChild(el("summary", null, f.label));
      var list = el("ul");
      f.values.forEach(function (v, i) {
        var id = "facet-" + f.key.replace(/[^A-Za-z0-9_-]/g, "-") + "-" + i;
        var li = el("li");
        var box = el("input", { type: "checkbox", id: id, "data-facet": f.key, value: String(v.id) });
        box.checked = (self.selected[f.key] || []).indexOf(String(v.id)) >= 0;
        var label = el("label", { "for": id });
        label.appendChild(document.createTextNode(v.label + " "));
        var count = el("span", { "class": "as-facet-count" }, "0");
        label.appendChild(count);
        li.appendChild(box);
        li.appendChild(label);
        list.appendChild(li);
        self.countNodes[f.key + "\u0000" + v.id] = { count: count, li: li, box: box };
      });
      details.appendChild(list);
      container.appendChild(details);
    });
    this.root.querySelector("#explorer-text").value = this.text;
    this.root.querySelector("#explorer-query").value = this.query;
  };

  Explorer.prototype.bind = function () {
    var self = this;
    this.root.querySelector("#explorer-facets").addEventListener("change", function (ev) {
      var box = ev.target;
      if (!box.matches("input[type=checkbox]")) return;
      var key = box.getAttribute("data-facet");
      var list = (self.selected[key] || []).filter(function (v) { return v !== box.value; });
      if (box.checked) list.push(box.value);
      if (list.length) self.selected[key] = list; else delete self.selected[key];
      self.shown = PAGE_SIZE;
      self.update();
    });
    // Typing updates after a pause, not on every key: the pass over the index is the cost.
    var onPause = function (selector, field, ms) {
      var timer = null;
      self.root.querySelector(selector).addEventListener("input", function (ev) {
        clearTimeout(timer);
        timer = setTimeout(function () {
          self[field] = ev.target.value.trim();
          self.shown = PAGE_SIZE;
          self.update();
        }, ms);
      });
    };
    onPause("#explorer-text", "text", 150);
    onPause("#explorer-query", "query", 250);
    this.root.querySelector("#explorer-clear").addEventListener("click", function () {
      self.selected = {};
      self.text = "";
      self.query = "";
      self.root.querySelector("#explorer-text").value = "";
      self.root.querySelector("#explorer-query").value = "";
      Array.prototype.forEach.call(self.root.querySelectorAll("#explorer-facets input"),
        function (b) { b.checked = false; });
      self.shown = PAGE_SIZE;
      self.update();
    });
    this.root.querySelector("#explorer-more").addEventListener("click", function () {
      self.shown += PAGE_SIZE * 5;
      self.update();
    });
  };

  Explorer.prototype.compileQuery = function () {
    var status = this.root.querySelector("#explorer-query-status");
    var input = this.root.querySelector("#explorer-query");
    this.queryAst = null;
    input.removeAttribute("aria-invalid");
    if (!this.query) {
      if (window.AlignscapeQuery) status.textContent = "";
      return true;
    }
    if (!window.AlignscapeQuery) {
      status.textContent = "Query expressions are not available in this build; the expression is ignored.";
      return true;
    }
    try {
      this.queryAst = window.AlignscapeQuery.parse(this.query, this.index);
      status.textContent = "";
      return true;
    } catch (err) {
      var where = typeof err.position === "number" ? " (at character " + (err.position + 1) + ")" : "";
      status.textContent = "Query not understood" + where + ": " + err.message;
      input.setAttribute("aria-invalid", "true");
      return false;
    }
  };

  Explorer.prototype.baseMatch = function (entry, i) {
    if (this.text) {
      var words = this.text.toLowerCase().split(/\s+/);
      for (var w = 0; w < words.length; w++) {
        if (this.texts[i].indexOf(words[w]) < 0) return false;
      }
    }
    if (this.queryAst) {
      try {
        if (!window.AlignscapeQuery.evaluate(this.queryAst, entry)) return false;
      } catch (err) {
        return false;
      }
    }
    return true;
  };

  Explorer.prototype.update = function () {
    var self = this;
    var queryOk = this.compileQuery();
    var active = this.facets.filter(function (f) { return self.selected[f.key]; });
    var counts = {};
    var rows = [];
    // One pass: an entry failing no active facet counts for every value it has; an entry
    // failing exactly one facet still counts for that facet's values (what ticking one more
    // value there would add). That keeps counts exact at linear cost.
    this.entries.forEach(function (entry, i) {
      if (!queryOk || !self.baseMatch(entry, i)) return;
      var failed = null;
      var failures = 0;
      for (var a = 0; a < active.length && failures < 2; a++) {
        var f = active[a];
        var have = f.get(entry).map(String);
        var wanted = self.selected[f.key];
        var hit = false;
        for (var h = 0; h < have.length; h++) {
          if (wanted.indexOf(have[h]) >= 0) { hit = true; break; }
        }
        if (!hit) { failures++; failed = f; }
      }
      if (failures > 1) return;
      self.facets.forEach(function (f) {
        if (failures === 1 && f !== failed) return;
        f.get(entry).forEach(function (v) {
          var key = f.key + "\u0000" + v;
          counts[key] = (counts[key] || 0) + 1;
        });
      });
      if (failures === 0) rows.push(entry);
    });
    Object.keys(this.countNodes).forEach(function (key) {
      var node = self.countNodes[key];
      var n = counts[key] || 0;
      node.count.textContent = String(n);
      node.li.classList.toggle("as-facet-empty", n === 0 && !node.box.checked);
    });
    this.renderRows(rows);
    this.writeURL();
  };

  Explorer.prototype.renderRows = function (rows) {
    var body = this.root.querySelector("#explorer-rows");
    var base = this.base;
    var fragment = document.createDocumentFragment();
    rows.slice(0, this.shown).forEach(function (e) {
      var tr = el("tr", { "data-id": e.id });
      var name = el("td");
      name.appendChild(el("a", { href: safeHref(base, e.url) }, e.name));
      if (e.aliases && e.aliases.length) {
        name.appendChild(el("span", { "class": "as-muted" }, " (" + e.aliases.join(", ") + ")"));
      }
      tr.appendChild(name);
      tr.appendChild(el("td", null, e.kind));
      tr.appendChild(el("td", null, e.year));
      tr.appendChild(el("td", { "class": "as-summary-cell" }, e.summary));
      fragment.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(fragment);
    var total = this.entries.length;
    this.root.querySelector("#explorer-count").textContent =
      rows.length + " of " + total + " entries match" +
      (rows.length > this.shown ? " (showing the first " + this.shown + ")" : "");
    this.root.querySelector("#explorer-more").hidden = rows.length <= this.shown;
  };

  /* ---------------------------------------------------------------- matrix */

  function Matrix(root, index) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = index;
    this.texts = index.entries.map(entryText);
    this.sortKey = "name";
    this.sortDesc = false;
    this.shown = PAGE_SIZE;
    var groups = [];
    index.dimensions.forEach(function (d) {
      if (groups.indexOf(d.group) < 0) groups.push(d.group);
    });
    var params = new URLSearchParams(window.location.search);
    var groupSelect = root.querySelector("#matrix-group");
    groups.forEach(function (g) { groupSelect.appendChild(el("option", { value: g }, g)); });
    groupSelect.value = groups.indexOf(params.get("stage")) >= 0 ? params.get("stage") : groups[0];
    var kinds = {};
    index.entries.forEach(function (e) { kinds[e.kind] = true; });
    var kindSelect = root.querySelector("#matrix-kind");
    Object.keys(kinds).sort().forEach(function (k) { kindSelect.appendChild(el("option", { value: k }, k)); });
    if (kinds[params.get("kind")]) kindSelect.value = params.get("kind");
    root.querySelector("#matrix-text").value = params.get("text") || "";
    var self = this;
    groupSelect.addEventListener("change", function () { self.sortKey = "name"; self.update(); });
    kindSelect.addEventListener("change", function () { self.update(); });
    root.querySelector("#matrix-text").addEventListener("input", function () { self.update(); });
    root.querySelector("#matrix-more").addEventListener("click", function () {
      self.shown += PAGE_SIZE * 5;
      self.update();
    });
    this.update();
  }

  Matrix.prototype.update = function () {
    var root = this.root;
    var self = this;
    var group = root.querySelector("#matrix-group").value;
    var kind = root.querySelector("#matrix-kind").value;
    var text = root.querySelector("#matrix-text").value.trim().toLowerCase();
    var dims = this.index.dimensions.filter(function (d) { return d.group === group; });
    var columns = [];
    dims.forEach(function (d) {
      d.options.forEach(function (o) { columns.push({ dim: d, option: o, key: d.id + "." + o.id }); });
    });
    var rows = this.index.entries.filter(function (e, i) {
      return (!kind || e.kind === kind) && (!text || self.texts[i].indexOf(text) >= 0);
    });
    var has = function (e, c) { return (e.choices[c.dim.id] || []).indexOf(c.option.id) >= 0; };
    var key = this.sortKey;
    var column = columns.filter(function (c) { return c.key === key; })[0];
    rows.sort(function (a, b) {
      var r;
      if (column) r = (has(b, column) ? 1 : 0) - (has(a, column) ? 1 : 0);
      else if (key === "year") r = a.year - b.year;
      else r = 0;
      if (r === 0) r = a.name.toLowerCase() < b.name.toLowerCase() ? -1 : (a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0);
      return self.sortDesc ? -r : r;
    });
    var table = root.querySelector("#matrix-table");
    table.textContent = "";
    var thead = el("thead");
    var top = el("tr");
    top.appendChild(el("td", { colspan: "2" }));
    dims.forEach(function (d) {
      top.appendChild(el("th", { scope: "colgroup", colspan: String(d.options.length), "class": "as-dim-head" }, d.label));
    });
    thead.appendChild(top);
    var head = el("tr");
    var sortButton = function (label, sortKey, cls) {
      var th = el("th", { scope: "col", "class": cls || null });
      var button = el("button", { type: "button", "class": "as-sort", "data-sort": sortKey }, label);
      if (self.sortKey === sortKey) th.setAttribute("aria-sort", self.sortDesc ? "descending" : "ascending");
      button.addEventListener("click", function () {
        if (self.sortKey === sortKey) self.sortDesc = !self.sortDesc;
        else { self.sortKey = sortKey; self.sortDesc = false; }
        self.update();
      });
      th.appendChild(button);
      return th;
    };
    head.appendChild(sortButton("Entry", "name"));
    head.appendChild(sortButton("Year", "year"));
    columns.forEach(function (c) { head.appendChild(sortButton(c.option.label, c.key, "as-option-head")); });
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    var base = this.base;
    rows.slice(0, this.shown).forEach(function (e) {
      var tr = el("tr");
      var name = el("th", { scope: "row" });
      name.appendChild(el("a", { href: safeHref(base, e.url) }, e.name));
      tr.appendChild(name);
      tr.appendChild(el("td", null, e.year));
      columns.forEach(function (c) {
        var yes = has(e, c);
        var td = el("td", { "class": yes ? "as-yes" : "as-no" });
        if (yes) td.appendChild(el("span", { "aria-label": c.option.label, role: "img" }, "\u25CF"));
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    root.querySelector("#matrix-count").textContent = rows.length + " of " +
      this.index.entries.length + " entries" +
      (rows.length > this.shown ? " (showing the first " + this.shown + ")" : "");
    root.querySelector("#matrix-more").hidden = rows.length <= this.shown;
    var params = new URLSearchParams();
    params.set("stage", group);
    if (kind) params.set("kind", kind);
    if (text) params.set("text", text);
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  };

  /* ---------------------------------------------------------------- graphs */

  var STAGE_COLOURS = { synthesis: "#3949ab", evaluation: "#00897b", instantiation: "#f4511e" };

  function drawGraph(holder, data) {
    var base = holder.getAttribute("data-base") || "";
    var canvas = el("div", { "class": "as-graph-canvas", role: "application",
      "aria-label": "Interactive graph: drag to pan, scroll to zoom, click a node to open it" });
    holder.insertBefore(canvas, holder.firstChild);
    // Labels on every node stop being readable past a few hundred nodes, and entry labels
    // crowd each other sooner: hidden labels still show on hover and selection.
    var many = data.elements.nodes.length > 250;
    var manyEntries = data.elements.nodes.filter(function (n) { return n.data.type === "entry"; }).length > 80;
    var cy = window.cytoscape({
      container: canvas,
      elements: data.elements,
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        { selector: "node", style: {
          "label": many ? "" : "data(label)", "font-size": 11, "width": 14, "height": 14,
          "background-color": "#5c6bc0", "color": "#333", "text-valign": "center",
          "text-halign": "right", "text-margin-x": 4 } },
        { selector: "node[type = 'entry']", style: { "background-color": "#7e57c2",
          "label": manyEntries || many ? "" : "data(label)" } },
        { selector: "node[type = 'tradeoff']", style: {
          "background-color": "#546e7a", "shape": "round-rectangle", "width": 18, "height": 18,
          "font-weight": "bold" } },
        { selector: "node[type = 'option']", style: { "text-halign": "left", "text-margin-x": -4 } },
        { selector: "node[stage = 'synthesis']", style: { "background-color": STAGE_COLOURS.synthesis } },
        { selector: "node[stage = 'evaluation']", style: { "background-color": STAGE_COLOURS.evaluation } },
        { selector: "node[stage = 'instantiation']", style: { "background-color": STAGE_COLOURS.instantiation } },
        { selector: "edge", style: { "width": 1, "line-color": "#b0bec5", "opacity": 0.6,
          "curve-style": "straight" } },
        { selector: "edge[sign = 1]", style: { "line-color": "#2e7d32", "width": 2 } },
        { selector: "edge[sign = -1]", style: { "line-color": "#c62828", "width": 2 } },
        { selector: "edge[sign = 0]", style: { "line-color": "#9e9e9e", "width": 2 } },
        { selector: "node:selected, node.as-hover", style: { "label": "data(label)", "border-width": 3, "border-color": "#ffb300" } },
        { selector: "edge.as-hover", style: { "opacity": 1, "width": 3 } }
      ]
    });
    if (data.directed) {
      cy.edges().style({ "target-arrow-shape": "triangle", "target-arrow-color": "#90a4ae" });
    }
    cy.on("mouseover", "node", function (ev) {
      ev.target.addClass("as-hover");
      ev.target.connectedEdges().addClass("as-hover");
    });
    cy.on("mouseout", "node", function (ev) {
      ev.target.removeClass("as-hover");
      ev.target.connectedEdges().removeClass("as-hover");
    });
    cy.on("tap", "node", function (ev) {
      var d = ev.target.data();
      var href = null;
      if (d.type === "entry") href = "entries/" + d.entry + ".html";
      else if (d.type === "option") {
        var parts = String(d.option).split(".");
        href = "taxonomy/" + parts[0] + ".html#" + parts[1] + "-" + parts.slice(2).join(".");
      } else if (d.type === "tradeoff") href = "tradeoffs/" + d.tradeoff + ".html";
      if (href) window.location.href = safeHref(base, href);
    });
    holder.classList.add("as-graph-live");
    window.alignscapeGraphs = window.alignscapeGraphs || {};
    window.alignscapeGraphs[holder.getAttribute("data-name")] = cy;
  }

  /* ---------------------------------------------------------------- start */

  // An explorer or matrix: load the index its root names, then build it (or say why not).
  function mount(rootId, Component, countId, globalName) {
    var root = document.getElementById(rootId);
    if (!root) return;
    loadJSON(root.getAttribute("data-index")).then(function (index) {
      window[globalName] = new Component(root, index);
    }).catch(function (err) {
      root.querySelector("#" + countId).textContent = "The index could not be loaded: " + err.message;
    });
  }

  function start() {
    mount("as-explorer", Explorer, "explorer-count", "alignscapeExplorer");
    mount("as-matrix", Matrix, "matrix-count", "alignscapeMatrix");
    Array.prototype.forEach.call(document.querySelectorAll(".as-graph[data-graph]"), function (holder) {
      if (typeof window.cytoscape !== "function") return; // the static picture stays
      loadJSON(holder.getAttribute("data-graph")).then(function (data) {
        drawGraph(holder, data);
      }).catch(function (err) {
        holder.insertBefore(el("p", { "class": "as-muted" }, "The interactive graph could not be loaded (" + err.message + "); the static picture is below."), holder.firstChild);
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
