// Runs expressions through site/assets/javascripts/alignscape-query.js under Node:
//   node run_js.js INDEX.json EXPRESSIONS.json  ->  JSON list of {ids} or {error} on stdout
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const source = fs.readFileSync(path.join(__dirname, "..", "..", "site", "assets", "javascripts",
                                         "alignscape-query.js"), "utf8");
const sandbox = {window: {}};
vm.createContext(sandbox);
vm.runInContext(source, sandbox);
const AQ = sandbox.window.AlignscapeQuery;
const index = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const expressions = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const out = expressions.map((expression) => {
  try {
    const ast = AQ.parse(expression, index);
    return {ast: ast, ids: index.entries.filter((row) => AQ.evaluate(ast, row)).map((r) => r.id)};
  } catch (error) {
    if (error.position === undefined) throw error;
    return {error: {message: error.message, position: error.position, end: error.end,
                    expected: error.expected, suggestion: error.suggestion}};
  }
});
process.stdout.write(JSON.stringify(out));
