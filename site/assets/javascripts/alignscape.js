/* alignscape front end: the explorer (compact sortable results, exports, picking entries to
 * compare), the side-by-side comparison, the comparison matrix and the interactive graphs.
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
    this.picked = [];
    this.sortKey = "name";
    this.sortDesc = false;
    this.dataDir = dataDirOf(root);
    this.readURL();
    this.render();
    this.bind();
    this.bindResults();
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
    // sort=year, sort=-year: the column and the direction of the results' order.
    var sort = params.get("sort") || "";
    if (/^-?[A-Za-z0-9_.:]+$/.test(sort)) {
      this.sortDesc = sort.charAt(0) === "-";
      this.sortKey = sort.replace(/^-/, "");
    }
  };

  Explorer.prototype.writeURL = function () {
    var params = new URLSearchParams();
    var self = this;
    this.facets.forEach(function (f) {
      (self.selected[f.key] || []).forEach(function (v) { params.append(f.key, v); });
    });
    if (this.text) params.set("text", this.text);
    if (this.query) params.set("expr", this.query);
    if (this.sortKey !== "name" || this.sortDesc) params.set("sort", (this.sortDesc ? "-" : "") + this.sortKey);
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
    this.matched = rows;
    this.renderRows(rows);
    this.writeURL();
  };

  /* The fields (dimensions and trade-offs) the expression names, in order, and the facets
     ticked beside it: one extra results column each, so that each row shows why it matched. */
  function mentionedFields(node, out) {
    if (!node || typeof node !== "object") return out;
    if ((node.op === "facet" || node.op === "tradeoff") && node.field) {
      out.push({ kind: node.op, field: node.field });
    } else if (node.op === "known" && (node.kind === "facet" || node.kind === "tradeoff")) {
      out.push({ kind: node.kind, field: node.field });
    }
    (node.args || []).forEach(function (a) { mentionedFields(a, out); });
    if (node.arg) mentionedFields(node.arg, out);
    return out;
  }

  Explorer.prototype.extraColumns = function () {
    var index = this.index;
    var seen = {};
    var columns = [];
    var wanted = mentionedFields(this.queryAst, []);
    var self = this;
    this.facets.forEach(function (f) {
      if (!self.selected[f.key] || f.key === "kind" || f.key === "year") return;
      if (f.key.indexOf("tradeoff.") === 0) wanted.push({ kind: "tradeoff", field: f.key.slice(9) });
      else wanted.push({ kind: "facet", field: f.key });
    });
    wanted.forEach(function (w) {
      var key = w.kind + ":" + w.field;
      if (seen[key]) return;
      var dim = null;
      if (w.kind === "facet") dim = index.dimensions.filter(function (d) { return d.id === w.field; })[0];
      else dim = index.tradeoffs.dimensions.filter(function (d) { return d.id === w.field; })[0];
      if (!dim) return;
      seen[key] = true;
      columns.push({ key: key, kind: w.kind, field: w.field, label: dim.label, dim: dim });
    });
    return columns;
  };

  function cellValue(entry, column) {
    if (column.kind === "facet") return (entry.choices[column.field] || []).slice();
    var v = entry.tradeoffs[column.field];
    return v === null || v === undefined ? [] : [v];
  }

  function optionLabel(dim, id) {
    var o = (dim.options || []).filter(function (x) { return x.id === id; })[0];
    return o ? o.label : id;
  }

  Explorer.prototype.sortRows = function (rows, columns) {
    var key = this.sortKey || "name";
    var desc = this.sortDesc;
    var levels = this.index.tradeoffs.levels;
    var column = columns.filter(function (c) { return c.key === key; })[0];
    var label = function (e) { return (e.short_name || e.name).toLowerCase(); };
    var value = function (e) {
      if (key === "year") return e.year;
      if (key === "kind") return e.kind;
      if (column && column.kind === "tradeoff") {
        var v = cellValue(e, column)[0];
        return v === undefined ? null : levels.indexOf(v);
      }
      if (column) return cellValue(e, column).join(", ") || null;
      return label(e);
    };
    var decorated = rows.map(function (e, i) { return { e: e, v: value(e), i: i }; });
    decorated.sort(function (a, b) {
      // Unknown values last in either direction.
      if (a.v === null && b.v !== null) return 1;
      if (b.v === null && a.v !== null) return -1;
      var r = 0;
      if (a.v !== null && a.v < b.v) r = -1;
      else if (a.v !== null && a.v > b.v) r = 1;
      if (desc) r = -r;
      if (r === 0) r = label(a.e) < label(b.e) ? -1 : (label(a.e) > label(b.e) ? 1 : a.i - b.i);
      return r;
    });
    return decorated.map(function (d) { return d.e; });
  };

  Explorer.prototype.renderRows = function (rows) {
    var self = this;
    var base = this.base;
    var columns = this.extraColumns();
    if (this.sortKey && ["name", "kind", "year"].indexOf(this.sortKey) < 0 &&
        !columns.some(function (c) { return c.key === self.sortKey; })) {
      this.sortKey = "name";
      this.sortDesc = false;
    }
    rows = this.sortRows(rows, columns);
    this.rows = rows;
    this.columns = columns;
    var table = this.root.querySelector(".as-results-table");
    var thead = table.querySelector("thead");
    var headRow = el("tr");
    var header = function (label, key, title) {
      var th = el("th", { scope: "col", title: title || null });
      if (self.sortKey === key || (!self.sortKey && key === "name")) {
        th.setAttribute("aria-sort", self.sortDesc ? "descending" : "ascending");
      }
      var button = el("button", { type: "button", "class": "as-sort", "data-sort": key }, label);
      th.appendChild(button);
      headRow.appendChild(th);
    };
    header("Entry", "name");
    header("Kind", "kind");
    header("Year", "year");
    columns.forEach(function (c) {
      header(c.label, c.key, c.kind === "tradeoff" ? c.dim.better + " is better" : c.field);
    });
    thead.textContent = "";
    thead.appendChild(headRow);
    var body = this.root.querySelector("#explorer-rows");
    var fragment = document.createDocumentFragment();
    rows.slice(0, this.shown).forEach(function (e) {
      var label = e.short_name || e.name;
      var tip = e.name + ((e.aliases && e.aliases.length) ? " (" + e.aliases.join(", ") + ")" : "") +
        (e.summary ? "\n\n" + e.summary : "");
      var tr = el("tr", { "data-id": e.id, title: tip });
      var name = el("td", { "class": "as-name-cell" });
      var pick = el("input", { type: "checkbox", "class": "as-pick", value: e.id,
        "aria-label": "Pick " + label + " to compare" });
      pick.checked = self.picked.indexOf(e.id) >= 0;
      name.appendChild(pick);
      name.appendChild(el("a", { href: safeHref(base, e.url), "class": "as-short" }, label));
      if (e.name && e.name !== label) name.appendChild(el("span", { "class": "as-fullname" }, e.name));
      tr.appendChild(name);
      tr.appendChild(el("td", null, e.kind));
      tr.appendChild(el("td", null, e.year));
      columns.forEach(function (c) {
        var values = cellValue(e, c);
        var text = c.kind === "facet" ? values.map(function (v) { return optionLabel(c.dim, v); }).join(", ") : values.join("");
        tr.appendChild(el("td", { "class": values.length ? null : "as-muted" },
          text || (c.kind === "facet" ? "\u2013" : "?")));
      });
      fragment.appendChild(tr);
    });
    body.textContent = "";
    body.appendChild(fragment);
    var total = this.entries.length;
    this.root.querySelector("#explorer-count").textContent =
      rows.length + " of " + total + " entries match" +
      (rows.length > this.shown ? " (showing the first " + this.shown + ")" : "");
    this.root.querySelector("#explorer-more").hidden = rows.length <= this.shown;
    this.updatePicked();
  };

  Explorer.prototype.updatePicked = function () {
    var n = this.picked.length;
    var button = this.root.querySelector("#explorer-compare");
    if (!button) return;
    button.disabled = n < 2 || n > MAX_COMPARED;
    var status = this.root.querySelector("#explorer-picked");
    status.textContent = n === 0 ? "Tick 2 to " + MAX_COMPARED + " entries to compare them." :
      n + " picked" + (n < 2 ? " (pick at least 2)" : (n > MAX_COMPARED ? " (at most " + MAX_COMPARED + ")" : "")) + ".";
  };

  Explorer.prototype.bindResults = function () {
    var self = this;
    var root = this.root;
    root.querySelector(".as-results-table thead").addEventListener("click", function (ev) {
      var button = ev.target.closest("button[data-sort]");
      if (!button) return;
      var key = button.getAttribute("data-sort");
      if (self.sortKey === key || (!self.sortKey && key === "name")) self.sortDesc = !self.sortDesc;
      else { self.sortKey = key; self.sortDesc = false; }
      self.renderRows(self.matched);
      self.writeURL();
    });
    root.querySelector("#explorer-rows").addEventListener("change", function (ev) {
      var box = ev.target;
      if (!box.matches("input.as-pick")) return;
      self.picked = self.picked.filter(function (id) { return id !== box.value; });
      if (box.checked) self.picked.push(box.value);
      self.updatePicked();
    });
    root.querySelector("#explorer-compare").addEventListener("click", function () {
      if (self.picked.length < 2 || self.picked.length > MAX_COMPARED) return;
      var target = root.getAttribute("data-compare") || "side-by-side.html";
      window.location.href = target + "?ids=" + self.picked.map(encodeURIComponent).join(",");
    });
    Array.prototype.forEach.call(root.querySelectorAll("button[data-export]"), function (button) {
      button.addEventListener("click", function () {
        var format = button.getAttribute("data-export");
        self.exportText(format).then(function (text) {
          download("alignscape-explorer." + EXTENSIONS[format], text, MIME[format]);
        }).catch(function (err) {
          root.querySelector("#explorer-picked").textContent = "Export failed: " + err.message;
        });
      });
    });
  };

  /* The current results (every match, not only the rows shown), in the CLI's formats. */
  Explorer.prototype.exportText = function (format) {
    var rows = this.rows || [];
    if (format === "json") return Promise.resolve(asJSON(rows));
    if (format === "csv") return Promise.resolve(explorerCSV(rows, this.columns || []));
    return bibtexFor(this.dataDir, rows);
  };

  /* ---------------------------------------------------------------- exports */

  var MAX_COMPARED = 6;
  var EXTENSIONS = { json: "json", csv: "csv", bibtex: "bib" };
  var MIME = { json: "application/json", csv: "text/csv", bibtex: "application/x-bibtex" };

  // As tools/alignscape/model/tables.py: a cell starting with = + - @ would run as a formula.
  function spreadsheetSafe(text) {
    text = String(text);
    return /^[=+\-@]/.test(text) ? "'" + text : text;
  }

  function csvCell(text) {
    text = String(text === null || text === undefined ? "" : text);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function csvText(header, rows) {
    return [header].concat(rows).map(function (r) { return r.map(csvCell).join(","); }).join("\n") + "\n";
  }

  function asJSON(rows) {
    return JSON.stringify(rows.map(function (e) {
      return { id: e.id, short_name: e.short_name, name: e.name, aliases: e.aliases || [],
        kind: e.kind, year: e.year, url: e.url, choices: e.choices, tradeoffs: e.tradeoffs };
    }), null, 2) + "\n";
  }

  function explorerCSV(rows, columns) {
    var header = ["id", "short_name", "name", "kind", "year"].concat(columns.map(function (c) {
      return c.kind === "tradeoff" ? "tradeoff." + c.field : c.field;
    }));
    return csvText(header, rows.map(function (e) {
      return [e.id, spreadsheetSafe(e.short_name || ""), spreadsheetSafe(e.name), e.kind, e.year]
        .concat(columns.map(function (c) { return cellValue(e, c).join(";"); }));
    }));
  }

  // The data files next to the index, loaded once: cite keys (catalog.json) and references.bib.
  var citeCache = {};
  function citations(dataDir) {
    if (!citeCache[dataDir]) {
      citeCache[dataDir] = Promise.all([
        loadJSON(dataDir + "catalog.json"),
        fetch(dataDir + "references.bib", { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error(dataDir + "references.bib: HTTP " + r.status);
          return r.text();
        })
      ]).then(function (both) {
        var keys = {};
        both[0].entries.forEach(function (e) { keys[e.id] = e.cite; });
        var blocks = {};
        both[1].split(/\n(?=@)/).forEach(function (block) {
          var m = /^\s*@\w+\s*\{\s*([^,\s]+)\s*,/.exec(block);
          if (m) blocks[m[1]] = block.trim();
        });
        return { keys: keys, blocks: blocks };
      });
    }
    return citeCache[dataDir];
  }

  // As `query --format bibtex`: each result's main citation, once per key, in result order.
  function bibtexFor(dataDir, rows) {
    return citations(dataDir).then(function (c) {
      var seen = {};
      var out = [];
      rows.forEach(function (e) {
        var key = c.keys[e.id];
        if (!key || seen[key] || !c.blocks[key]) return;
        seen[key] = true;
        out.push(c.blocks[key]);
      });
      return out.join("\n\n") + (out.length ? "\n" : "");
    });
  }

  function download(filename, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }));
    var a = el("a", { href: url, download: filename });
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 0);
  }

  function dataDirOf(root) {
    var index = root.getAttribute("data-index") || "data/index.json";
    return index.slice(0, index.lastIndexOf("/") + 1);
  }

  /* ---------------------------------------------------------------- side by side */

  function SideBySide(root, index) {
    this.root = root;
    this.base = root.getAttribute("data-base") || "";
    this.index = index;
    this.dataDir = dataDirOf(root);
    var byId = {};
    index.entries.forEach(function (e) { byId[e.id] = e; });
    var params = new URLSearchParams(window.location.search);
    var ids = (params.get("ids") || "").split(",").map(function (s) { return s.trim(); })
      .filter(function (s, i, all) { return s && all.indexOf(s) === i; });
    this.unknown = ids.filter(function (id) { return !byId[id]; });
    this.entries = ids.filter(function (id) { return byId[id]; }).slice(0, MAX_COMPARED)
      .map(function (id) { return byId[id]; });
    this.dropped = ids.filter(function (id) { return byId[id]; }).length - this.entries.length;
    this.render();
    var self = this;
    Array.prototype.forEach.call(root.querySelectorAll("button[data-export]"), function (button) {
      button.disabled = self.entries.length === 0;
      button.addEventListener("click", function () {
        var format = button.getAttribute("data-export");
        self.exportText(format).then(function (text) {
          download("alignscape-compare." + EXTENSIONS[format], text, MIME[format]);
        });
      });
    });
  }

  SideBySide.prototype.rowsSpec = function () {
    var specs = [];
    this.index.dimensions.forEach(function (d) {
      specs.push({ group: d.group, kind: "facet", field: d.id, label: d.label, dim: d });
    });
    this.index.tradeoffs.dimensions.forEach(function (d) {
      specs.push({ group: "trade-offs", kind: "tradeoff", field: d.id,
        label: d.label + " (" + d.better + " is better)", dim: d });
    });
    return specs;
  };

  SideBySide.prototype.render = function () {
    var root = this.root;
    var base = this.base;
    var entries = this.entries;
    var status = root.querySelector("#side-status");
    var notes = [];
    if (entries.length < 2) {
      notes.push("Name two to " + MAX_COMPARED + " entries in the address (side-by-side.html?ids=a,b,c), or pick them in the explorer.");
    }
    if (this.unknown.length) notes.push("Not in the catalog: " + this.unknown.join(", ") + ".");
    if (this.dropped > 0) notes.push("Only the first " + MAX_COMPARED + " entries are compared.");
    status.textContent = (entries.length ? entries.length + " entries compared; cells that differ are marked. " : "") + notes.join(" ");
    var table = root.querySelector("#side-table");
    table.textContent = "";
    if (!entries.length) return;
    var thead = el("thead");
    var head = el("tr");
    head.appendChild(el("th", { scope: "col" }, "Dimension"));
    entries.forEach(function (e) {
      var th = el("th", { scope: "col", "data-id": e.id, title: e.name });
      th.appendChild(el("a", { href: safeHref(base, e.url) }, e.short_name || e.name));
      th.appendChild(el("span", { "class": "as-muted as-side-meta" }, e.kind + ", " + e.year));
      head.appendChild(th);
    });
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = el("tbody");
    var lastGroup = null;
    var width = entries.length + 1;
    var differing = 0;
    this.rowsSpec().forEach(function (spec) {
      if (spec.group !== lastGroup) {
        var g = el("tr", { "class": "as-side-group" });
        g.appendChild(el("th", { scope: "colgroup", colspan: String(width) }, spec.group));
        tbody.appendChild(g);
        lastGroup = spec.group;
      }
      var values = entries.map(function (e) { return cellValue(e, spec).slice().sort(); });
      var keys = values.map(function (v) { return v.join("\u0000"); });
      var differs = keys.some(function (k) { return k !== keys[0]; });
      if (differs) differing++;
      var tr = el("tr", { "data-field": spec.field, "class": differs ? "as-side-differs" : "as-side-same" });
      var th = el("th", { scope: "row" }, spec.label);
      if (differs) th.appendChild(el("span", { "class": "as-side-flag" }, " (differs)"));
      tr.appendChild(th);
      values.forEach(function (v, i) {
        // Within a differing row, a cell differs when another entry's value is not its own.
        var own = keys[i];
        var odd = differs && keys.filter(function (k) { return k === own; }).length <= keys.length / 2;
        var td = el("td", { "class": (differs ? "as-cell-differs" : "") + (odd ? " as-cell-odd" : "") || null });
        var text = spec.kind === "facet" ? v.map(function (x) { return optionLabel(spec.dim, x); }).join(", ") : v.join("");
        td.textContent = text || (spec.kind === "facet" ? "\u2013" : "not determined");
        if (!v.length) td.classList.add("as-muted");
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    status.textContent = entries.length + " entries compared; " + differing + " of " +
      this.rowsSpec().length + " rows differ (marked). " + notes.join(" ");
  };

  SideBySide.prototype.exportText = function (format) {
    var entries = this.entries;
    if (format === "bibtex") return bibtexFor(this.dataDir, entries);
    var specs = this.rowsSpec();
    if (format === "json") return Promise.resolve(asJSON(entries));
    // As the CLI's --format csv: one row per entry, every dimension and trade-off a column.
    var header = ["id", "short_name", "name", "kind", "year"].concat(specs.map(function (s) {
      return s.kind === "tradeoff" ? "tradeoff." + s.field : s.field;
    }));
    return Promise.resolve(csvText(header, entries.map(function (e) {
      return [e.id, spreadsheetSafe(e.short_name || ""), spreadsheetSafe(e.name), e.kind, e.year]
        .concat(specs.map(function (s) { return cellValue(e, s).join(";"); }));
    })));
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
    mount("as-side", SideBySide, "side-status", "alignscapeSideBySide");
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
