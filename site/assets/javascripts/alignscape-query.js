/* alignscape query language for the explorer: a line-by-line port of
 * tools/alignscape/querylang.py over the same JSON index (data/index.json), so that the
 * explorer, the command line and the Python API give the same answers. Change the two together;
 * tests/query/test_query_browser.py runs expressions through both (in Chromium, through the
 * explorer) and tests/query/test_query_js_parity.py under Node; both compare the results.
 *
 *   const ast = AlignscapeQuery.parse("evaluators has llm_judge and bias_risk <= medium", index);
 *   const rows = index.entries.filter((row) => AlignscapeQuery.evaluate(ast, row));
 *
 * parse() throws an Error with .position and .end (character offsets of the offending token),
 * .expected (what was possible) and .suggestion (a close match, or null).
 */
(function (global) {
  "use strict";

  var KEYWORDS = ["and", "or", "not", "has", "in", "is", "known", "unknown"];
  var DEFAULT_KINDS = ["method", "dataset", "system", "objective", "benchmark"];
  var SCALAR_FIELDS = ["kind", "year", "text", "name", "id"];
  var FIELD_OPERATORS = {
    facet: ["has", "=", "!=", "in", "is"],
    tradeoff: ["=", "!=", "<", "<=", ">", ">=", "in", "is"],
    kind: ["=", "!=", "in"],
    year: ["=", "!=", "<", "<=", ">", ">=", "in"],
    text: ["~"],
    name: ["~"],
    id: ["=", "!=", "in"]
  };

  function QueryError(message, position, end, expected, suggestion) {
    var error = new Error(message);
    error.name = "QueryError";
    error.position = position;
    var stop = end === undefined || end === null ? position + 1 : end;
    error.end = Math.max(stop, position + 1);
    error.expected = expected ? expected.slice() : [];
    error.suggestion = suggestion === undefined ? null : suggestion;
    return error;
  }

  // Python's repr() of a string, so that messages read the same on both sides.
  function repr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (ch === "\\") out += "\\\\";
      else if (ch === quote) out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\r") out += "\\r";
      else out += ch;
    }
    return quote + out + quote;
  }

  function isIdentStart(ch) { return /^[A-Za-z_]$/.test(ch); }
  function isIdentChar(ch) { return /^[A-Za-z0-9_.\-]$/.test(ch); }
  function isDigit(ch) { return /^[0-9]$/.test(ch); }
  function startsWith(chars, text, i) { return chars.slice(i, i + text.length).join("") === text; }

  function tokenize(source) {
    var chars = Array.from(source); // code points, as Python counts them
    var tokens = [];
    var i = 0;
    var n = chars.length;
    var j;
    while (i < n) {
      var ch = chars[i];
      if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
        i += 1;
      } else if (ch === "(" || ch === ")" || ch === ",") {
        tokens.push({type: ch, value: ch, start: i, end: i + 1});
        i += 1;
      } else if (startsWith(chars, "..", i)) {
        tokens.push({type: "..", value: "..", start: i, end: i + 2});
        i += 2;
      } else if ("=!<>~".indexOf(ch) >= 0) {
        var two = chars.slice(i, i + 2).join("");
        if (two === "==" || two === "!=" || two === "<=" || two === ">=") {
          tokens.push({type: "op", value: two, start: i, end: i + 2});
          i += 2;
        } else if (ch === "!") {
          throw QueryError("unexpected character '!'", i, i + 1,
                           ["!= (not equal)", "not (negation)"]);
        } else {
          tokens.push({type: "op", value: ch, start: i, end: i + 1});
          i += 1;
        }
      } else if (ch === '"' || ch === "'") {
        j = i + 1;
        var out = [];
        while (j < n && chars[j] !== ch) {
          if (chars[j] === "\\" && j + 1 < n) j += 1;
          out.push(chars[j]);
          j += 1;
        }
        if (j >= n) {
          throw QueryError("unterminated text: the closing " + ch + " is missing", i, n);
        }
        tokens.push({type: "string", value: out.join(""), start: i, end: j + 1});
        i = j + 1;
      } else if (isDigit(ch)) {
        j = i;
        while (j < n && isDigit(chars[j])) j += 1;
        if (j < n && isIdentStart(chars[j])) {
          while (j < n && isIdentChar(chars[j]) && !startsWith(chars, "..", j)) j += 1;
          tokens.push({type: "ident", value: chars.slice(i, j).join(""), start: i, end: j});
        } else {
          tokens.push({type: "number", value: chars.slice(i, j).join(""), start: i, end: j});
        }
        i = j;
      } else if (isIdentStart(ch)) {
        j = i;
        while (j < n && isIdentChar(chars[j]) && !startsWith(chars, "..", j)) j += 1;
        tokens.push({type: "ident", value: chars.slice(i, j).join(""), start: i, end: j});
        i = j;
      } else {
        throw QueryError("unexpected character " + repr(ch), i, i + 1,
                         ["a field name", "a quoted text", "(", ")", "and", "or", "not"]);
      }
    }
    tokens.push({type: "end", value: "", start: n, end: n});
    return tokens;
  }

  // --- vocabulary ------------------------------------------------------------------------------

  function vocabulary(index) {
    var dimensions = new Map();
    var shortNames = new Map();
    index.dimensions.forEach(function (d) {
      dimensions.set(d.id, {cardinality: d.cardinality,
                            options: d.options.map(function (o) { return o.id; })});
      var bare = d.id.slice(d.id.indexOf(".") + 1);
      if (!shortNames.has(bare)) shortNames.set(bare, []);
      shortNames.get(bare).push(d.id);
    });
    var tradeoffs = new Map();
    index.tradeoffs.dimensions.forEach(function (d) { tradeoffs.set(d.id, d.better); });
    return {
      dimensions: dimensions,
      levels: index.tradeoffs.levels.slice(),
      tradeoffs: tradeoffs,
      kinds: (index.kinds && index.kinds.length ? index.kinds : DEFAULT_KINDS).slice(),
      ids: index.entries.map(function (row) { return row.id; }),
      short: shortNames
    };
  }

  function fieldNames(vocab) {
    var names = SCALAR_FIELDS.slice();
    vocab.dimensions.forEach(function (_, qualified) {
      var bare = qualified.slice(qualified.indexOf(".") + 1);
      if (vocab.short.get(bare).length === 1 && SCALAR_FIELDS.indexOf(bare) < 0 &&
          !vocab.tradeoffs.has(bare)) {
        names.push(bare);
      }
    });
    vocab.dimensions.forEach(function (_, qualified) { names.push(qualified); });
    vocab.tradeoffs.forEach(function (_, id) { names.push(id); });
    return names;
  }

  function resolve(vocab, token) {
    var name = token.value.toLowerCase();
    if (SCALAR_FIELDS.indexOf(name) >= 0) return [name, name];
    if (vocab.tradeoffs.has(name)) return ["tradeoff", name];
    if (vocab.dimensions.has(name)) return ["facet", name];
    var matches = vocab.short.get(name) || [];
    if (matches.length === 1) return ["facet", matches[0]];
    if (matches.length > 1) {
      throw QueryError(repr(token.value) + " is ambiguous: write one of " + matches.join(", "),
                       token.start, token.end, matches);
    }
    var names = fieldNames(vocab);
    throw QueryError("unknown field " + repr(token.value), token.start, token.end, names,
                     suggest(name, names));
  }

  // Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment).
  function editDistance(a, b) {
    a = Array.from(a);
    b = Array.from(b);
    var rows = [[]];
    for (var k = 0; k <= b.length; k++) rows[0].push(k);
    for (var i = 1; i <= a.length; i++) {
      var row = [i];
      for (var j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var best = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, rows[i - 2][j - 2] + 1);
        }
        row.push(best);
      }
      rows.push(row);
    }
    return rows[a.length][b.length];
  }

  function suggest(word, candidates) {
    var norm = word.toLowerCase().replace(/-/g, "_");
    var best = null;
    var bestScore = null;
    candidates.forEach(function (candidate) {
      var distance = editDistance(norm, candidate);
      if (norm !== candidate && Math.min(norm.length, candidate.length) >= 3 &&
          (candidate.indexOf(norm) >= 0 || norm.indexOf(candidate) >= 0)) {
        distance = Math.min(distance,
                            1 + Math.floor(Math.abs(candidate.length - norm.length) / 4));
      } else if (distance > Math.max(1, Math.floor(norm.length / 3))) {
        return;
      }
      if (bestScore === null || distance < bestScore) {
        best = candidate;
        bestScore = distance;
      }
    });
    return best;
  }

  // --- parser ----------------------------------------------------------------------------------

  function normalise(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function Parser(text, vocab) {
    this.text = text;
    this.vocab = vocab;
    this.tokens = tokenize(text);
    this.i = 0;
  }

  Parser.prototype.token = function () { return this.tokens[this.i]; };

  Parser.prototype.keyword = function () {
    var token = this.token();
    if (token.type !== "ident") return false;
    return Array.prototype.indexOf.call(arguments, token.value.toLowerCase()) >= 0;
  };

  Parser.prototype.advance = function () {
    var token = this.tokens[this.i];
    this.i += 1;
    return token;
  };

  Parser.prototype.fail = function (expected, what) {
    var token = this.token();
    var found = token.type === "end" ? "the end of the expression" : repr(token.value);
    throw QueryError("expected " + (what || expected.join(" or ")) + ", found " + found,
                     token.start, token.end, expected);
  };

  Parser.prototype.parse = function () {
    if (this.token().type === "end") {
      throw QueryError("the expression is empty", 0, 0,
                       ["a condition such as `evaluators has llm_judge`"]);
    }
    var node = this.expr();
    if (this.token().type !== "end") {
      var expected = ["and", "or", "the end of the expression"];
      if (this.token().type === ")") {
        throw QueryError("unbalanced ')': no '(' is open here", this.token().start,
                         this.token().end, expected);
      }
      this.fail(expected, "and, or, or the end of the expression");
    }
    return node;
  };

  Parser.prototype.expr = function () {
    var args = [this.conj()];
    while (this.keyword("or")) {
      this.advance();
      args.push(this.conj());
    }
    return args.length === 1 ? args[0] : {op: "or", args: args};
  };

  Parser.prototype.conj = function () {
    var args = [this.unary()];
    while (this.keyword("and")) {
      this.advance();
      args.push(this.unary());
    }
    return args.length === 1 ? args[0] : {op: "and", args: args};
  };

  Parser.prototype.unary = function () {
    if (this.keyword("not")) {
      this.advance();
      return {op: "not", arg: this.unary()};
    }
    return this.atom();
  };

  Parser.prototype.atom = function () {
    var token = this.token();
    if (token.type === "(") {
      this.advance();
      var node = this.expr();
      if (this.token().type !== ")") {
        if (this.token().type === "end") {
          throw QueryError("unbalanced '(': the closing ')' is missing", token.start,
                           token.end, [")"]);
        }
        this.fail([")", "and", "or"]);
      }
      this.advance();
      return node;
    }
    if (token.type === "string") {
      this.advance();
      return {op: "text", field: "text", value: normalise(token.value)};
    }
    if (token.type === "ident" && KEYWORDS.indexOf(token.value.toLowerCase()) < 0) {
      return this.condition();
    }
    this.fail(["a field", "a quoted text", "not", "("],
              "a condition (a field such as `evaluators`), a quoted text, 'not' or '('");
  };

  var FIELD_WHAT = {facet: "a taxonomy dimension", tradeoff: "a trade-off level",
                    kind: "the entry kind", year: "the year", text: "a text match",
                    name: "a text match", id: "the entry id"};

  Parser.prototype.condition = function () {
    var name = this.advance();
    var resolved = resolve(this.vocab, name);
    var kind = resolved[0];
    var fieldId = resolved[1];
    var allowed = FIELD_OPERATORS[kind];
    var opToken = this.token();
    var op;
    if (opToken.type === "op" || (opToken.type === "ident" &&
        ["has", "in", "is"].indexOf(opToken.value.toLowerCase()) >= 0)) {
      op = opToken.value.toLowerCase();
      if (op === "==") op = "=";
      if (allowed.indexOf(op) < 0) {
        throw QueryError(repr(opToken.value) + " does not apply to " + fieldId + " (" +
                         FIELD_WHAT[kind] + ")", opToken.start, opToken.end, allowed);
      }
      this.advance();
    } else {
      this.fail(allowed, "an operator after " + repr(name.value) + " (" +
                allowed.join(", ") + ")");
    }
    if (op === "is") {
      var negate = false;
      if (this.keyword("not")) {
        this.advance();
        negate = true;
      }
      if (!this.keyword("known", "unknown")) this.fail(["known", "unknown"]);
      var known = this.advance().value.toLowerCase() === "known";
      return {op: "known", kind: kind, field: fieldId, known: known !== negate};
    }
    if (op === "in") {
      if (kind === "year" && this.token().type === "number" &&
          this.tokens[this.i + 1].type === "..") {
        var low = this.value(kind, fieldId);
        this.advance();
        if (this.token().type !== "number") this.fail(["a year"]);
        var high = this.value(kind, fieldId);
        if (high < low) {
          throw QueryError("empty range: " + low + " is after " + high, name.start,
                           this.tokens[this.i - 1].end, [high + ".." + low]);
        }
        return {op: "year", cmp: "range", values: [low, high]};
      }
      if (this.token().type !== "(") {
        this.fail(["("], "a list in parentheses such as (a, b)" +
                  (kind === "year" ? " or a range such as 2022..2024" : ""));
      }
      this.advance();
      var values = [this.value(kind, fieldId)];
      while (this.token().type === ",") {
        this.advance();
        values.push(this.value(kind, fieldId));
      }
      if (this.token().type !== ")") this.fail([",", ")"]);
      this.advance();
      return this.node(kind, fieldId, "in", values);
    }
    var value = this.value(kind, fieldId);
    if (kind === "text" || kind === "name") {
      return {op: "text", field: kind, value: normalise(value)};
    }
    return this.node(kind, fieldId, op === "=" && kind === "facet" ? "has" : op, [value]);
  };

  Parser.prototype.node = function (kind, fieldId, cmp, values) {
    if (kind === "facet") return {op: kind, field: fieldId, cmp: cmp, values: values};
    if (kind === "tradeoff") {
      return {op: kind, field: fieldId, cmp: cmp, values: values,
              levels: this.vocab.levels.slice()};
    }
    return {op: kind, cmp: cmp, values: values};
  };

  Parser.prototype.value = function (kind, fieldId) {
    var token = this.token();
    if (["ident", "number", "string"].indexOf(token.type) < 0) {
      this.fail(["a value"], "a value for " + fieldId);
    }
    this.advance();
    var text = token.value;
    if (kind === "text" || kind === "name") {
      if (!text.trim()) throw QueryError("the text to match is empty", token.start, token.end);
      return text;
    }
    if (kind === "year") {
      if (token.type !== "number") {
        throw QueryError(repr(text) + " is not a year", token.start, token.end,
                         ["a four-digit year such as 2023"]);
      }
      return parseInt(text, 10);
    }
    var word = text.toLowerCase();
    var allowed;
    var what;
    if (kind === "facet") {
      allowed = this.vocab.dimensions.get(fieldId).options;
      what = "an option of " + fieldId;
    } else if (kind === "tradeoff") {
      allowed = this.vocab.levels;
      what = "a trade-off level";
    } else if (kind === "kind") {
      allowed = this.vocab.kinds;
      what = "an entry kind";
    } else {
      allowed = this.vocab.ids;
      what = "an entry id";
    }
    if (allowed.indexOf(word) < 0) {
      var message = kind !== "id" ? repr(text) + " is not " + what
        : "no entry has id " + repr(text);
      throw QueryError(message, token.start, token.end, allowed.length <= 40 ? allowed : [],
                       suggest(word, allowed));
    }
    return word;
  };

  function parse(expression, index) {
    return new Parser(expression, vocabulary(index)).parse();
  }

  // --- evaluator -------------------------------------------------------------------------------

  function evaluate(node, row) {
    var op = node.op;
    var i;
    if (op === "and") return node.args.every(function (arg) { return evaluate(arg, row); });
    if (op === "or") return node.args.some(function (arg) { return evaluate(arg, row); });
    if (op === "not") return !evaluate(node.arg, row);
    if (op === "facet") {
      var chosen = (row.choices || {})[node.field] || [];
      if (!chosen.length) return false;
      if (node.cmp === "!=") return chosen.indexOf(node.values[0]) < 0;
      for (i = 0; i < node.values.length; i++) {
        if (chosen.indexOf(node.values[i]) >= 0) return true;
      }
      return false;
    }
    if (op === "tradeoff") {
      var level = (row.tradeoffs || {})[node.field];
      if (level === null || level === undefined) return false;
      var levels = node.levels;
      return compare(levels.indexOf(level), node.cmp,
                     node.values.map(function (v) { return levels.indexOf(v); }));
    }
    if (op === "known") {
      var present;
      if (node.kind === "facet") {
        present = ((row.choices || {})[node.field] || []).length > 0;
      } else {
        var known = (row.tradeoffs || {})[node.field];
        present = known !== null && known !== undefined;
      }
      return present === node.known;
    }
    if (op === "kind") return compareEqual(row.kind, node.cmp, node.values);
    if (op === "id") return compareEqual(row.id, node.cmp, node.values);
    if (op === "year") {
      if (node.cmp === "range") return node.values[0] <= row.year && row.year <= node.values[1];
      return compare(row.year, node.cmp, node.values);
    }
    if (op === "text") {
      var haystacks = [row.short_name || "", row.name].concat(row.aliases || []);
      if (node.field === "text") haystacks.push(row.summary || "");
      return haystacks.some(function (h) { return normalise(h).indexOf(node.value) >= 0; });
    }
    throw new Error("unknown node " + repr(String(op)));
  }

  function compareEqual(actual, cmp, values) {
    if (cmp === "!=") return actual !== values[0];
    return values.indexOf(actual) >= 0;
  }

  function compare(actual, cmp, values) {
    if (cmp === "in" || cmp === "=") return values.indexOf(actual) >= 0;
    var value = values[0];
    switch (cmp) {
      case "!=": return actual !== value;
      case "<": return actual < value;
      case "<=": return actual <= value;
      case ">": return actual > value;
      case ">=": return actual >= value;
      default: throw new Error("unknown comparison " + repr(String(cmp)));
    }
  }

  function select(expression, index) {
    if (!expression || !expression.trim()) return index.entries.slice();
    var ast = parse(expression, index);
    return index.entries.filter(function (row) { return evaluate(ast, row); });
  }

  // The expression with a caret line under the offending token, for a <pre> under the input.
  function formatError(expression, error) {
    var lines = [error.message, expression,
                 " ".repeat(error.position) + "^".repeat(error.end - error.position)];
    if (error.suggestion) lines.push("did you mean " + repr(error.suggestion) + "?");
    if (error.expected && error.expected.length) {
      lines.push("expected: " + error.expected.join(", "));
    }
    return lines.join("\n");
  }

  global.AlignscapeQuery = {
    parse: parse,
    evaluate: evaluate,
    select: select,
    tokenize: tokenize,
    suggest: suggest,
    formatError: formatError,
    DEFAULT_KINDS: DEFAULT_KINDS
  };
})(typeof window !== "undefined" ? window : this);
