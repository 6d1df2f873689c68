/* alignscape's search worker: the theme's (mkdocs-material's lunr worker) with one change to its
 * ranking. lunr matches every query word as a prefix and sums the matches, so a rare longer
 * word ("DPOP", "RewardBench2") outranks the exact name the reader typed ("DPO",
 * "RewardBench"). Here the pages with a result whose title or one of whose names (the page's
 * tags: short name, aliases, paper title, id) equals the query, ignoring case and punctuation,
 * come first, each with that result on top; everything else keeps the theme's order.
 *
 * The page tells the worker where the theme's worker is (?theme=/path); only a same-origin
 * script path is loaded. */
(function () {
  "use strict";

  var theme = new URL(self.location.href).searchParams.get("theme") || "";
  var lastQuery = "";

  function normal(text) {
    return String(text || "")
      .replace(/<[^>]*>/g, "")
      .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&quot;/g, "\"").replace(/&#0?39;/g, "'")
      .toLowerCase()
      .replace(/[\s\-,:;!=[\]()"/._]+/g, " ")
      .trim();
  }

  function exact(doc, query) {
    if (normal(doc.title) === query) return true;
    var tags = doc.tags || [];
    for (var i = 0; i < tags.length; i++) {
      if (normal(tags[i]) === query) return true;
    }
    return false;
  }

  // A title that begins with the whole query ("reward hacking" -> "Reward hacking risk").
  function opening(doc, query) {
    return normal(doc.title).indexOf(query + " ") === 0;
  }

  // Tier 0: a title or name equals the query; tier 1: a title begins with it; tier 2: the
  // rest. Within a tier the theme's order stands; a group's matching result moves to its top.
  function rerank(items, query) {
    if (!query || !Array.isArray(items)) return items;
    var tiers = [[], [], []];
    items.forEach(function (group) {
      if (!Array.isArray(group)) { tiers[2].push(group); return; }
      var tests = [exact, opening];
      for (var t = 0; t < tests.length; t++) {
        for (var i = 0; i < group.length; i++) {
          if (tests[t](group[i], query)) {
            var moved = group.slice();
            var hit = moved.splice(i, 1)[0];
            tiers[t].push([hit].concat(moved));
            return;
          }
        }
      }
      tiers[2].push(group);
    });
    return tiers[0].concat(tiers[1], tiers[2]);
  }

  self.addEventListener("message", function (ev) {
    if (ev.data && ev.data.type === 2) lastQuery = normal(ev.data.data);
  });

  var post = self.postMessage.bind(self);
  self.postMessage = function (message, transfer) {
    if (message && message.type === 3 && message.data && message.data.items) {
      message.data.items = rerank(message.data.items, lastQuery);
    }
    return transfer ? post(message, transfer) : post(message);
  };

  if (/^\/[A-Za-z0-9_\-./]+\.js$/.test(theme) && theme.indexOf("..") < 0) {
    importScripts(theme);
  }
})();
