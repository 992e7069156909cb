// dossier search. Loads only the parts of the index a query needs (see src/search.rs for the
// layout), ranks the documents by BM25 and shows them ten at a time, with a snippet around the
// match. No dependencies, no external requests. docs/search.md says what it finds.
(function () {
  "use strict";

  // The words of a text as the index has them, by the rules of dossier's src/words.rs (which says
  // why each is there; tests/search_words.rs checks that both split alike): NFKD; lower case, with
  // ß as ss and ς as σ; the accents U+0300–U+036F dropped, but for the breve of й; NFC. A word is
  // a run of letters and digits with the marks after them; each Han ideograph is a word, and a
  // change between hiragana, katakana and other letters ends one.
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3ffff}";
  var HIRAGANA = "\\u3041-\\u3096\\u309d-\\u309f";
  var KATAKANA = "\\u30a1-\\u30fa\\u30fc-\\u30ff\\u31f0-\\u31ff";
  var OTHER = "(?![" + HAN + HIRAGANA + KATAKANA + "])[\\p{Alphabetic}\\p{N}]";
  var WORD = new RegExp("[" + HAN + "]|[" + HIRAGANA + "][" + HIRAGANA + "\\p{M}]*|[" + KATAKANA + "][" +
    KATAKANA + "\\p{M}]*|" + OTHER + "(?:" + OTHER + "|\\p{M})*", "gu");
  function words(text) {
    return text.normalize("NFKD").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ")
      .replace(/(и\u0306)|[\u0300-\u036f]/g, "$1").normalize("NFC").match(WORD) || [];
  }

  // Whether key `a` sorts before `b` or equals it, in the order of the index (Rust's: by code
  // point; JavaScript's own comparison of strings goes by UTF-16 units, which differs past U+FFFF).
  function notAfter(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
      var x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) return x < y;
      if (x > 0xffff) i++;
    }
    return a.length <= b.length;
  }


  // BM25 parameters.
  var K1 = 1.2, B = 0.75;
  // How many more term shards a prefix may read past its own, and how many typo candidates
  // are looked up: a query stays within a few small files.
  var PREFIX_SHARDS = 2, TYPO_CANDIDATES = 4;

  // Whether `a` and `b` are one edit apart: a letter added, dropped, changed, or two neighbours
  // swapped.
  function oneEdit(a, b) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1 || a.join("") === b.join("")) return false;
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    var rest = function (x, y) { return a.slice(x).join("") === b.slice(y).join(""); };
    if (a.length === b.length) {
      return rest(i + 1, i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2));
    }
    return a.length > b.length ? rest(i + 1, i) : rest(i, i + 1);
  }

  // A search over the index that `load(path)` reads (a promise of the parsed JSON of a file
  // under search/index/). The page uses it with fetch, tests with files.
  function createEngine(load) {
    var metaPromise = null;
    function meta() { return metaPromise || (metaPromise = load("meta.json")); }

    // The term shard whose first key is the last one not after `key`, by number.
    function shardIndex(m, key) {
      var lo = 0, hi = m.shards.length - 1, found = 0;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (notAfter(m.shards[mid], key)) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }
    function shard(m, i) { return load("t/" + i + ".json"); }
    function shardFor(m, key) { return shard(m, shardIndex(m, key)); }

    // The postings of `stems` (each read from its own shard).
    function postingsOf(m, stems) {
      return Promise.all(stems.map(function (stem) {
        return shardFor(m, stem).then(function (s) { return s.t[stem] || null; });
      })).then(function (lists) { return lists.filter(Boolean); });
    }

    // One query word: `how` is "exact" when the index has the word (its stem's postings: every
    // document holding a word of that stem), else "prefix" for the last word of the query when
    // words start with it (the stems of all those words), else "typo" when a word one edit away
    // is in the word's shard (the most common such word), else "none".
    function term(m, word, isLast) {
      return shardFor(m, word).then(function (s) {
        var stem = Object.prototype.hasOwnProperty.call(s.w, word) ? s.w[word] :
          (Object.prototype.hasOwnProperty.call(s.t, word) ? word : null);
        if (stem !== null) return postingsOf(m, [stem]).then(function (lists) { return { word: word, how: "exact", stems: [stem], lists: lists }; });
        var next = isLast ? prefixStems(m, word, s) : Promise.resolve([]);
        return next.then(function (stems) {
          if (stems.length) return postingsOf(m, stems).then(function (lists) { return { word: word, how: "prefix", stems: stems, lists: lists }; });
          return typo(m, word, s);
        });
      });
    }

    // The stems of the words that start with `prefix`: in its shard and the next ones while
    // their keys still start with it (at most PREFIX_SHARDS more).
    function prefixStems(m, prefix, first) {
      var at = shardIndex(m, prefix);
      var more = [];
      for (var i = at + 1; i < m.shards.length && i <= at + PREFIX_SHARDS && m.shards[i].indexOf(prefix) === 0; i++) more.push(shard(m, i));
      return Promise.all(more).then(function (rest) {
        var stems = new Set();
        [first].concat(rest).forEach(function (s) {
          Object.keys(s.t).forEach(function (k) { if (k.indexOf(prefix) === 0) stems.add(k); });
          Object.keys(s.w).forEach(function (k) { if (k.indexOf(prefix) === 0) stems.add(s.w[k]); });
        });
        return Array.from(stems).sort();
      });
    }

    // Whether `a` and `b` start with the same `n` characters.
    function sameStart(a, b, n) { return a.length >= n && b.length >= n && a.slice(0, n) === b.slice(0, n); }

    // The word one edit away from `word` that the most documents hold, among the keys of its
    // shard and of the neighbour its word may have sorted into (the next shard when it starts
    // like the word, else the previous one when this one does): a typo sorts near the word.
    function typo(m, word, s) {
      var none = { word: word, how: "none", stems: [], lists: [] };
      if (Array.from(word).length < 4) return Promise.resolve(none);
      var at = shardIndex(m, word);
      var near = at + 1 < m.shards.length && sameStart(m.shards[at + 1], word, 2) ? at + 1 :
        (at > 0 && sameStart(m.shards[at], word, 2) ? at - 1 : -1);
      return (near < 0 ? Promise.resolve(null) : shard(m, near)).then(function (other) {
        var stems = new Set();
        [s, other].forEach(function (x) {
          if (!x) return;
          Object.keys(x.t).forEach(function (k) { if (oneEdit(word, k)) stems.add(k); });
          Object.keys(x.w).forEach(function (k) { if (oneEdit(word, k)) stems.add(x.w[k]); });
        });
        return corrected(m, word, Array.from(stems).sort().slice(0, TYPO_CANDIDATES), none);
      });
    }

    // Of the stems of words one edit away, the one that the most documents hold.
    function corrected(m, word, candidates, none) {
      return Promise.all(candidates.map(function (stem) {
        return postingsOf(m, [stem]).then(function (lists) { return { stem: stem, list: lists[0] || [] }; });
      })).then(function (found) {
        var best = null;
        found.forEach(function (f) { if (f.list.length && (!best || f.list.length > best.list.length)) best = f; });
        return best ? { word: word, how: "typo", stems: [best.stem], lists: [best.list] } : none;
      });
    }

    // The BM25 score of each document for one term: for a prefix, a document's best stem.
    function scores(m, t) {
      var out = new Map();
      t.lists.forEach(function (list) {
        var df = list.length / 3;
        var idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
        var doc = 0;
        for (var i = 0; i < list.length; i += 3) {
          doc += list[i];
          // f: 32 × the weighted frequency, plus the title's length in words when it holds the stem
          var tf = Math.floor(list[i + 1] / 32), title = list[i + 1] % 32, dl = list[i + 2];
          var score = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / m.avgdl));
          var old = out.get(doc);
          if (!old) out.set(doc, { score: score, title: title });
          else { old.score = Math.max(old.score, score); old.title = Math.max(old.title, title); }
        }
      });
      return out;
    }

    // Every document that holds all the terms, best first: a topic or actor whose name holds
    // every query word, then documents whose title holds every query word (the shortest title
    // first: the closest to the query), then by score (exact words count fully, prefixes and
    // corrected typos half), then in index order.
    function rank(m, terms) {
      var maps = terms.map(function (t) { return scores(m, t); });
      var weights = terms.map(function (t) { return t.how === "exact" ? 1 : 0.5; });
      var order = maps.map(function (x, i) { return i; }).sort(function (a, b) { return maps[a].size - maps[b].size; });
      var results = [];
      maps[order[0]].forEach(function (first, doc) {
        var score = 0, title = 32;
        for (var j = 0; j < order.length; j++) {
          var hit = maps[order[j]].get(doc);
          if (!hit) return;
          score += hit.score * weights[order[j]];
          title = Math.min(title, hit.title);
        }
        var named = title > 0 && doc >= m.explainers;
        results.push({ doc: doc, score: score, tier: (named ? 2 : 0) + (title > 0 ? 1 : 0), title: title });
      });
      return results.sort(function (a, b) {
        return b.tier - a.tier || a.title - b.title || b.score - a.score || a.doc - b.doc;
      });
    }

    // The ranked results of `text`: { words, terms, results }. A word the index does not know
    // (nor as a prefix or typo) finds nothing.
    function query(text) {
      return meta().then(function (m) {
        var stop = new Set(m.stop_words);
        var ws = words(text).filter(function (w) { return !stop.has(w); });
        if (ws.length === 0) return { words: ws, terms: [], results: [] };
        return Promise.all(ws.map(function (w, i) { return term(m, w, i === ws.length - 1); })).then(function (terms) {
          var missing = terms.some(function (t) { return t.lists.length === 0; });
          return { words: ws, terms: terms, results: missing ? [] : rank(m, terms) };
        });
      });
    }

    // The document entries of `results`, in order.
    function documents(results) {
      return meta().then(function (m) {
        return Promise.all(results.map(function (r) {
          return load("d/" + Math.floor(r.doc / m.per_shard) + ".json").then(function (s) { return s[r.doc % m.per_shard]; });
        }));
      });
    }

    // Starts loading what `text` will need first (the shard of each word), while the reader
    // is still typing: the search that follows finds it loaded.
    function prefetch(text) {
      return meta().then(function (m) {
        var stop = new Set(m.stop_words);
        words(text).filter(function (w) { return !stop.has(w); }).forEach(function (w) { shardFor(m, w).catch(function () {}); });
      });
    }

    return { meta: meta, query: query, documents: documents, prefetch: prefetch };
  }

  // Node loads this file to test it (tests/browser/search-words.js, tests/search_recall.rs):
  // no page to search there.
  if (typeof module === "object" && module.exports) {
    module.exports = { words: words, notAfter: notAfter, oneEdit: oneEdit, createEngine: createEngine };
    return;
  }

  var form = document.querySelector("form[data-index]");
  if (!form || !window.fetch) return;
  // the form is hidden until this script runs: without it, the page offers the archive instead
  form.hidden = false;
  var noScript = document.getElementById("search-no-script");
  if (noScript) noScript.hidden = true;
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 10;
  var cache = {};
  var latest = 0;
  var timer = null;
  var current = null;

  var engine = createEngine(function (path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      });
      // a failed file is tried again by the next query
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  });
  engine.meta().catch(function () {});

  // Runs of letters, digits and marks, and each Han ideograph alone: the parts of a text marked
  // when one of their words matches.
  var PART = new RegExp("([" + HAN + "]|(?:(?![" + HAN + "])[\\p{L}\\p{N}\\p{M}])+)", "u");

  // Whether a word of a text matches a term of the query: the word itself, or a word that starts
  // with one of its stems (the stem is the start of most of its words), or with a typed prefix.
  function matcher(terms) {
    var starts = [];
    terms.forEach(function (t) {
      starts.push(t.word);
      t.stems.forEach(function (s) { starts.push(s); });
    });
    return function (norm) {
      return starts.some(function (p) { return norm === p || (p.length >= 3 && norm.indexOf(p) === 0); });
    };
  }

  // Appends `text` to `parent`, with the words that match in <mark>.
  function highlighted(parent, text, matches) {
    text.split(PART).forEach(function (part) {
      if (part && words(part).some(matches)) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        parent.appendChild(mark);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  // The passage of a document shown under its title: the stretch of its summary or text (in that
  // order) of about SNIPPET characters with the most matching words, cut at words; the summary's
  // start when neither matches.
  var SNIPPET = 200;
  function snippet(entry, matches) {
    var texts = [entry.s || "", entry.x || ""];
    var best = null;
    texts.forEach(function (text) {
      var hits = [];
      var re = new RegExp(PART.source, "gu"), found;
      while ((found = re.exec(text))) if (words(found[0]).some(matches)) hits.push(found.index);
      for (var i = 0; i < hits.length; i++) {
        var n = 0;
        while (i + n < hits.length && hits[i + n] - hits[i] < SNIPPET - 40) n++;
        if (!best || n > best.n) best = { text: text, at: hits[i], n: n };
      }
    });
    if (!best) return cut(texts[0] || texts[1], 0);
    return cut(best.text, best.at);
  }

  // About SNIPPET characters of `text` from a little before `at`, at word boundaries, with "…"
  // where it goes on.
  function cut(text, at) {
    var start = Math.max(0, at - 40);
    if (start > 0) { var space = text.indexOf(" ", start); start = space >= 0 && space < at ? space + 1 : start; }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) { var last = text.lastIndexOf(" ", end); if (last > at) end = last; }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  var KIND = { explainer: "Explainer", topic: "Topic", actor: "Actor" };

  function item(d, matches) {
    var li = document.createElement("li");
    li.className = "search-result";
    var title = document.createElement("h2");
    var link = document.createElement("a");
    link.href = d.u;
    highlighted(link, d.t, matches);
    title.appendChild(link);
    li.appendChild(title);
    var kind = document.createElement("p");
    kind.className = "result-kind";
    kind.textContent = KIND[d.k] + (d.d ? " · " + d.d : "");
    li.appendChild(kind);
    var text = snippet(d, matches);
    if (text) {
      var p = document.createElement("p");
      p.className = "snippet";
      highlighted(p, text, matches);
      li.appendChild(p);
    }
    return li;
  }

  function count(n) { return n + (n === 1 ? " result" : " results"); }

  // Shows the next PAGE results of the current query; `focus` moves the keyboard to the first
  // of them (after "Show more").
  function showMore(id, focus) {
    var found = current;
    var from = list.children.length;
    var slice = found.results.slice(from, from + PAGE);
    return engine.documents(slice).then(function (docs) {
      if (id !== latest) return;
      var matches = matcher(found.terms);
      var first = null;
      docs.forEach(function (d) {
        var li = item(d, matches);
        first = first || li.querySelector("a");
        list.appendChild(li);
      });
      var shown = list.children.length, total = found.results.length;
      var fixed = found.terms.filter(function (t) { return t.how === "typo"; }).map(function (t) { return "“" + t.word + "” as “" + t.stems[0] + "…”"; });
      status.textContent = (total === 0 ? "No results." :
        (shown < total ? "Showing " + shown + " of " + count(total) + "." : count(total) + ".")) +
        (fixed.length ? " Searched " + fixed.join(", ") + "." : "");
      more.hidden = shown >= total;
      if (focus && first) first.focus();
    });
  }

  function search(text) {
    var id = ++latest;
    var url = new URL(window.location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    list.textContent = "";
    more.hidden = true;
    if (!text.trim()) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    engine.query(text).then(function (found) {
      if (id !== latest) return;
      current = found;
      return showMore(id, false);
    }).catch(function () {
      if (id === latest) status.textContent = "The search index could not be loaded.";
    });
  }

  input.addEventListener("input", function () {
    // fetch while the reader types; show once they pause
    engine.prefetch(input.value).catch(function () {});
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  more.addEventListener("click", function () { if (current) showMore(latest, true); });
  // Arrow keys move between the box and the results; Escape clears the box.
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
    if (event.key === "Escape") { input.value = ""; search(""); }
  });
  list.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown") { event.preventDefault(); (at < all.length - 1 ? all[at + 1] : (more.hidden ? all[at] : more)).focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
  });

  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) { input.value = initial; search(initial); }
})();
