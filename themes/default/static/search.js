// dossier search. Loads only the parts of the index a query needs (see src/search.rs for the
// layout), ranks the documents and shows them. No dependencies, no external requests.
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

  // Node loads this file to test these (tests/browser/search-words.js): no page to search there.
  if (typeof module === "object" && module.exports) {
    module.exports = { words: words, notAfter: notAfter };
    return;
  }

  var form = document.querySelector("form[data-index]");
  if (!form || !window.fetch) return;
  var base = form.getAttribute("data-index");
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX_RESULTS = 10;
  var cache = {};
  var latest = 0;
  var timer = null;

  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      });
    }
    return cache[path];
  }

  // The term shard whose first key is the last one not after `key`.
  function shardOf(meta, key) {
    var lo = 0, hi = meta.shards.length - 1, found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (notAfter(meta.shards[mid], key)) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return "t/" + found + ".json";
  }

  function addPostings(into, encoded) {
    var doc = 0;
    for (var i = 0; i < encoded.length; i += 2) {
      doc += encoded[i];
      into.set(doc, Math.max(into.get(doc) || 0, encoded[i + 1]));
    }
  }

  // Documents for one query word: its stem's postings, and for the last word of the query the
  // postings of every stem that starts with it (so results come while typing).
  function postings(meta, word, isPrefix) {
    var found = new Map();
    return load(shardOf(meta, word)).then(function (shard) {
      var pending = [];
      var stem = shard.t[word] ? word : shard.w[word];
      if (stem) {
        if (shard.t[stem]) addPostings(found, shard.t[stem]);
        else pending.push(load(shardOf(meta, stem)).then(function (other) { if (other.t[stem]) addPostings(found, other.t[stem]); }));
      }
      if (isPrefix && word.length >= 2) {
        var taken = 0;
        Object.keys(shard.t).forEach(function (key) {
          if (taken < 30 && key !== word && key.indexOf(word) === 0) { addPostings(found, shard.t[key]); taken++; }
        });
      }
      return Promise.all(pending).then(function () { return found; });
    });
  }

  function rank(perWord) {
    var scores = new Map();
    perWord.forEach(function (found) {
      found.forEach(function (score, doc) {
        var entry = scores.get(doc) || { doc: doc, score: 0, matched: 0 };
        entry.score += score;
        entry.matched += 1;
        scores.set(doc, entry);
      });
    });
    return Array.from(scores.values()).sort(function (a, b) {
      return b.matched - a.matched || b.score - a.score || a.doc - b.doc;
    });
  }

  // Runs of letters, digits and marks, and each Han ideograph alone: the parts of a text marked
  // when one of their words matches.
  var PART = new RegExp("([" + HAN + "]|(?:(?![" + HAN + "])[\\p{L}\\p{N}\\p{M}])+)", "u");

  // Appends `text` to `parent`, with the words that match the query in <mark>.
  function highlighted(parent, text, query) {
    var prefixes = query.map(function (w) { return w.slice(0, Math.max(3, w.length - 2)); });
    text.split(PART).forEach(function (part) {
      var hit = words(part).some(function (norm) {
        return prefixes.some(function (p) { return norm.indexOf(p) === 0; });
      });
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  var KIND = { explainer: "Explainer", topic: "Topic", actor: "Actor" };

  function show(results, docs, query, total) {
    list.textContent = "";
    results.forEach(function (result, i) {
      var d = docs[i];
      var item = document.createElement("li");
      item.className = "search-result";
      var kind = document.createElement("p");
      kind.className = "result-kind";
      kind.textContent = KIND[d.k] + (d.d ? " · " + d.d : "");
      var title = document.createElement("h2");
      var link = document.createElement("a");
      link.href = d.u;
      highlighted(link, d.t, query);
      title.appendChild(link);
      item.appendChild(title);
      item.appendChild(kind);
      if (d.s) {
        var snippet = document.createElement("p");
        snippet.className = "snippet";
        highlighted(snippet, d.s, query);
        item.appendChild(snippet);
      }
      list.appendChild(item);
    });
    var shown = results.length;
    status.textContent = total === 0 ? "No results." :
      (total > shown ? "The best " + shown + " of " + total + " results." : total + (total === 1 ? " result." : " results."));
  }

  function search(text) {
    var id = ++latest;
    var url = new URL(window.location.href);
    if (text) url.searchParams.set("q", text); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
    if (!text.trim()) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "Searching…";
    load("meta.json").then(function (meta) {
      var stop = new Set(meta.stop_words);
      var query = words(text).filter(function (w) { return !stop.has(w); });
      if (query.length === 0) return { results: [], docs: [], query: query };
      return Promise.all(query.map(function (w, i) { return postings(meta, w, i === query.length - 1); }))
        .then(function (perWord) {
          var ranked = rank(perWord);
          var top = ranked.slice(0, MAX_RESULTS);
          return Promise.all(top.map(function (r) {
            return load("d/" + Math.floor(r.doc / meta.per_shard) + ".json").then(function (shard) { return shard[r.doc % meta.per_shard]; });
          })).then(function (docs) { return { results: top, docs: docs, query: query, total: ranked.length }; });
        });
    }).then(function (found) {
      if (id !== latest) return;
      show(found.results, found.docs, found.query, found.total || 0);
    }).catch(function () {
      if (id === latest) status.textContent = "The search index could not be loaded.";
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
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
    if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
  });

  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) { input.value = initial; search(initial); }
})();
