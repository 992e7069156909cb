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


  // The digits of a list of postings (src/search.rs, `DIGITS`): each number is written least
  // significant digit first, in base RADIX; a digit from the upper half says more follow.
  var DIGITS = "!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
  var RADIX = 44;
  var VALUE = new Int8Array(128).fill(-1);
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS.charCodeAt(d)] = d;

  // A list of postings as triples: the gap from the previous document, 32 × the weighted
  // frequency plus the title's length in words when the title holds the word, the document's
  // weighted length. Encoded, the second is twice the frequency plus 1 when the title holds the
  // word, then the title's length.
  function decode(text) {
    var numbers = numbersOf(text), out = [];
    for (var j = 0; j < numbers.length;) {
      var gap = numbers[j++], tf = numbers[j++], title = tf % 2 ? numbers[j++] : 0;
      out.push(gap, Math.floor(tf / 2) * 32 + title, numbers[j++]);
    }
    return out;
  }

  // The numbers of a string of DIGITS.
  function numbersOf(text) {
    var numbers = [], n = 0, scale = 1;
    for (var i = 0; i < text.length; i++) {
      var v = VALUE[text.charCodeAt(i) & 127];
      if (v >= RADIX) { n += (v - RADIX) * scale; scale *= RADIX; } else { numbers.push(n + v * scale); n = 0; scale = 1; }
    }
    return numbers;
  }

  // BM25 parameters.
  var K1 = 1.2, B = 0.75;
  // How many more term shards a prefix may read past its own, and how many typo candidates
  // are looked up: a query stays within a few small files.
  var PREFIX_SHARDS = 2, TYPO_CANDIDATES = 4;
  // The results the page shows at a time ("Show more" adds as many): the first page is what the
  // prefetch fetches while the reader types, and what `exactFirst` reorders.
  var PAGE = 10;
  // The most blocks read in one round: a query of common words that needs many (at 100,000
  // explainers, up to about 40) reads them in a few more round trips instead of reading more.
  var MAX_BATCH = 16;
  // The same for what is fetched while the reader types: rounds of up to WIDE_BATCH blocks, from
  // WIDE_FIRST on. The typing leaves time for little more than two rounds after the last key
  // (the pause, then the results' entries): a query of several common words gets its blocks in
  // those, not in six or seven rounds of 4 to 16; what the search then reads, it finds fetched.
  var WIDE_FIRST = 32, WIDE_BATCH = 64;
  // The most blocks of a one-word query's list read at once, whole.
  var WHOLE_BLOCKS = 4;
  // The most blocks of another word that a block of the first is read with (see `partners`).
  var PARTNERS = 2;

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
    // The document entries read with the heads of lists (doc → entry): the first results of a
    // one-word query need no document shard.
    var entries = new Map();

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
    function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

    // How many documents a term shard's entry says hold its stem: a list of postings, or
    // [df, first block, directory] for a list cut into blocks, with a fourth number when its
    // titled file (n/<first block>.json) holds the postings of every document whose title holds
    // the stem: how many.
    function entryDf(entry) { return typeof entry === "string" ? decode(entry).length / 3 : entry[0]; }

    // The BM25 score of a posting of a list of `df` documents.
    function bm25(m, df, tf, dl) {
      var idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
      return idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / m.avgdl));
    }
    // A bound from the directory is a little above the posting it names: the index chose that
    // posting by Rust's arithmetic, which may round differently.
    var ROUNDING = 1 + 1e-9;

    // A stem's list: its documents known so far (doc → { score, title }), and for a list cut
    // into blocks, each block's range of documents, its bounds, and whether it is loaded. With
    // `withHead`, a list cut into blocks comes with its head (see `head`).
    function listOf(m, stem, withHead) {
      return shardFor(m, stem).then(function (s) {
        if (!has(s.t, stem)) return null;
        var entry = s.t[stem];
        // titlesKnown: every document of the list whose title holds the stem is in `known`
        var list = { df: entryDf(entry), known: new Map(), blocks: [], first: 0, cap: null, titles: null, titlesKnown: false };
        if (typeof entry === "string") {
          addPostings(m, list, decode(entry), 0);
          list.titlesKnown = true;
          list.titles = 0;
          list.known.forEach(function (hit) { if (hit.title) list.titles++; });
          return list;
        }
        list.first = entry[1];
        if (entry.length > 3) { list.titles = entry[3]; list.titlesKnown = entry[3] === 0; }
        var n = numbersOf(entry[2]), doc = 0;
        for (var i = 0; i < n.length;) {
          doc += n[i++];
          var tier = n[i++], tf2 = n[i++], title = tf2 % 2 ? n[i++] : 0, dl = n[i++], topTf = n[i++], topDl = n[i++];
          list.blocks.push({
            start: doc, end: m.docs, loaded: false, number: list.first + list.blocks.length,
            // its best posting for a one-word query, exactly; and for a longer query, whether
            // a title may hold the word, the shortest such title, and the best score
            tier: tier, title: title, best: bm25(m, list.df, Math.floor(tf2 / 2), dl) * ROUNDING,
            titled: tier > 0, titleAtLeast: tier === 1 ? title : (tier ? 1 : 0),
            top: bm25(m, list.df, topTf, topDl) * ROUNDING
          });
        }
        for (var j = 0; j + 1 < list.blocks.length; j++) list.blocks[j].end = list.blocks[j + 1].start;
        return withHead ? head(m, list) : list;
      });
    }

    // Reads the head of a list cut into blocks (h/<first block>.json): the postings of the
    // documents that rank first for a query of its stem alone, with their entries, and the cap,
    // the best any other document of the list ranks (tier, frequency and title, length, as a
    // block's best posting is written). Those documents are then known without their blocks, and
    // no other ranks above the cap: a one-word query's first page needs no block.
    function head(m, list) {
      return load("h/" + list.first + ".json").then(function (h) {
        var p = decode(h.p), doc = 0;
        addPostings(m, list, p, 0);
        for (var i = 0; i < p.length; i += 3) { doc += p[i]; entries.set(doc, h.e[i / 3]); }
        var c = numbersOf(h.c), title = c[1] % 2 ? c[2] : 0;
        list.cap = { tier: c[0], title: title, best: bm25(m, list.df, Math.floor(c[1] / 2), c[c.length - 1]) * ROUNDING };
        return list;
      });
    }

    // Reads the titled postings of a list cut into blocks (n/<first block>.json, when its entry
    // counts them): every document whose title holds the stem is then known, so that no block
    // left unread holds a document whose title does (see `judge` and `unseen`).
    function titledOf(m, list) {
      if (list.titlesKnown) return Promise.resolve(list);
      return load("n/" + list.first + ".json").then(function (text) {
        addPostings(m, list, decode(text), 0);
        list.titlesKnown = true;
        return list;
      });
    }

    // How many documents' titles would hold every word of a query of `lists` (one a word), were
    // the words in titles independently of each other; null when a list's titles are not counted.
    function expectedTitles(m, lists) {
      var n = m.docs;
      for (var i = 0; i < lists.length; i++) {
        if (lists[i].titles === null) return null;
        n *= lists[i].titles / Math.max(1, m.docs);
      }
      return n;
    }

    function addPostings(m, list, p, doc) {
      for (var i = 0; i < p.length; i += 3) {
        doc += p[i];
        // f: 32 × the weighted frequency, plus the title's length in words when it holds the stem
        list.known.set(doc, { score: bm25(m, list.df, Math.floor(p[i + 1] / 32), p[i + 2]), title: p[i + 1] % 32 });
      }
    }

    // The block of `list` that holds `doc` (if any document of the list is it).
    function blockAt(list, doc) {
      var lo = 0, hi = list.blocks.length - 1, found = 0;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (list.blocks[mid].start <= doc) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return list.blocks[found];
    }

    function loadBlock(m, list, block) {
      if (block.loading) return block.loading;
      return (block.loading = load("b/" + block.number + ".json").then(function (text) {
        addPostings(m, list, decode(text), block.start);
        block.loaded = true;
      }));
    }

    // The lists of `stems`; with `withHead`, with their heads.
    function listsOf(m, stems, withHead) {
      return Promise.all(stems.map(function (stem) { return listOf(m, stem, withHead); }))
        .then(function (lists) { return lists.filter(Boolean); });
    }

    // One query word: `how` is "exact" when the index has the word (its stem's postings: every
    // document holding a word of that stem), else "prefix" for the last word of the query when
    // words start with it (the stems of all those words), else "typo" when a word one edit away
    // is in the word's shard (the most common such word), else "none". `alone`: the word is the
    // query's only one, so a single stem's list comes with its head.
    function term(m, word, isLast, alone) {
      return shardFor(m, word).then(function (s) {
        var stem = has(s.w, word) ? s.w[word] : (has(s.t, word) ? word : null);
        if (stem !== null) return listsOf(m, [stem], alone).then(function (lists) { return { word: word, how: "exact", stems: [stem], lists: lists }; });
        var next = isLast ? prefixStems(m, word, s) : Promise.resolve([]);
        return next.then(function (stems) {
          if (stems.length) return listsOf(m, stems, alone && stems.length === 1).then(function (lists) { return { word: word, how: "prefix", stems: stems, lists: lists }; });
          return typo(m, word, s, alone);
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

    function reversed(word) { return Array.from(word).reverse().join(""); }

    // The file of words by reversed spelling (r/<n>.json, { word: documents }) where `word`
    // would sort: a typo in the first letters sorts next to the word meant there.
    function reversedFile(m, word) {
      // numbers are not listed: a typo in one is another number
      if (!m.reversed || !m.reversed.length || /\p{N}/u.test(word)) return Promise.resolve({});
      var key = reversed(word), lo = 0, hi = m.reversed.length - 1, found = 0;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (notAfter(m.reversed[mid], key)) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return load("r/" + found + ".json");
    }

    // The word one edit away from `word` that the most documents hold: among the words near it by
    // reversed spelling (a typo in the first letters) and the keys of its own term shard `s` (a
    // typo further on), read together; only when neither holds one, among the neighbouring term
    // shard that its word may have sorted into (the one on the side of `s` it sorts nearer to).
    // At most two small files more than the word meant.
    function typo(m, word, s, alone) {
      var none = { word: word, how: "none", stems: [], lists: [] };
      if (Array.from(word).length < 4) return Promise.resolve(none);
      return reversedFile(m, word).then(function (r) {
        // by reversed spelling: each word with how many documents hold its stem
        var best = null;
        Object.keys(r).forEach(function (k) {
          if (oneEdit(word, k) && (!best || r[k] > best.df || (r[k] === best.df && k < best.word))) best = { word: k, df: r[k] };
        });
        var near = nearKeys(word, s, new Map());
        if (best || near.size) return corrected(m, word, near, best, none, alone);
        // the neighbour on the side of the shard the word sorts nearer to
        var at = shardIndex(m, word), keys = Object.keys(s.t).concat(Object.keys(s.w));
        var earlier = keys.filter(function (k) { return !notAfter(word, k); }).length;
        var next = earlier * 2 >= keys.length ? at + 1 : at - 1;
        if (next < 0 || next >= m.shards.length) return none;
        return shard(m, next).then(function (other) { return corrected(m, word, nearKeys(word, other, near), null, none, alone); });
      });
    }

    // The stems of the keys of term shard `s` one edit away from `word`, each with the key (the
    // word as the index spells it), added to `out`.
    function nearKeys(word, s, out) {
      Object.keys(s.t).forEach(function (k) { if (oneEdit(word, k) && !out.has(k)) out.set(k, k); });
      Object.keys(s.w).forEach(function (k) { if (oneEdit(word, k) && !out.has(s.w[k])) out.set(s.w[k], k); });
      return out;
    }

    // Of the stems of words one edit away in the term shards (`near`: stem → word, the first
    // TYPO_CANDIDATES in order) and the word found by reversed spelling (`reversedBest`, with
    // its count), the one that the most documents hold; the term says the word it was read as
    // (with `alone`, its list with its head, as the word itself would have).
    function corrected(m, word, near, reversedBest, none, alone) {
      var stems = Array.from(near.keys()).sort().slice(0, TYPO_CANDIDATES);
      var fromReversed = !reversedBest ? Promise.resolve(null) : shardFor(m, reversedBest.word).then(function (s) {
        var stem = has(s.w, reversedBest.word) ? s.w[reversedBest.word] : reversedBest.word;
        return stems.indexOf(stem) >= 0 ? null :
          listOf(m, stem).then(function (list) { return { stem: stem, word: reversedBest.word, list: list }; });
      });
      return Promise.all(stems.map(function (stem) {
        return listOf(m, stem).then(function (list) { return { stem: stem, word: near.get(stem), list: list }; });
      }).concat([fromReversed])).then(function (found) {
        var best = null;
        found.forEach(function (f) { if (f && f.list && f.list.df && (!best || f.list.df > best.list.df)) best = f; });
        if (!best) return none;
        var term = { word: word, how: "typo", fixed: best.word, stems: [best.stem], lists: [best.list] };
        return alone && best.list.blocks.length ? head(m, best.list).then(function () { return term; }) : term;
      });
    }

    // Whether result or bound `a` ranks before `b`: a topic or actor whose name holds every
    // query word (tier 3), then explainers whose title does (tier 1), the shortest title first
    // (the closest to the query), then by score, then in index order.
    function before(a, b) {
      if (a.tier !== b.tier) return a.tier > b.tier;
      if (a.title !== b.title) return a.title < b.title;
      if (a.score !== b.score) return a.score > b.score;
      return a.doc < b.doc;
    }

    // What the query knows of `doc`: its rank when every term is known for it ({ exact }),
    // nothing when a term is known not to hold it, else the best rank it could reach ({ bound })
    // and the blocks that would tell ({ needs }).
    function judge(m, terms, doc) {
      var score = 0, title = 0, titled = true, exact = true, atLeast = 0, needs = [];
      for (var t = 0; t < terms.length; t++) {
        var term = terms[t], best = -1, bestTitle = 0, known = true, bound = -1, boundTitled = false, boundTitle = Infinity;
        for (var l = 0; l < term.lists.length; l++) {
          var list = term.lists[l], hit = list.known.get(doc);
          if (hit) { best = Math.max(best, hit.score); bestTitle = Math.max(bestTitle, hit.title); }
          if (list.blocks.length === 0) continue;
          var block = blockAt(list, doc);
          // a document read with the head is known without its block
          if (hit || block.loaded || doc < block.start) continue;
          known = false;
          needs.push([list, block]);
          bound = Math.max(bound, block.top);
          // with the list's titles known, a document not known has no title holding the stem
          if (block.titled && !list.titlesKnown) { boundTitled = true; boundTitle = Math.min(boundTitle, block.titleAtLeast); }
        }
        if (known && best < 0) return null;
        if (!known) { exact = false; best = Math.max(best, bound); }
        score += best * term.weight;
        if (bestTitle > 0) title = bestTitle;
        else if (!known && boundTitled) atLeast = Math.max(atLeast, boundTitle);
        else titled = false;
      }
      var tier = titled ? (doc >= m.explainers ? 3 : 1) : 0;
      var key = { doc: doc, score: score, tier: tier, title: titled ? (title || Math.max(1, atLeast)) : 0 };
      return exact ? { exact: key } : { bound: key, needs: needs };
    }

    // The best rank a document that no loaded part of the first term's lists holds could reach,
    // per unread block of the first term (for a word of one stem, exactly its best posting), with
    // what the other terms could add anywhere: the unread blocks, the most promising first.
    function unseen(m, terms) {
      var first = terms[0], unread = [];
      first.lists.forEach(function (list) { list.blocks.forEach(function (b) { if (!b.loaded) unread.push([list, b]); }); });
      if (!unread.length) return [];
      var others = { score: 0, titled: true, title: 1 };
      terms.slice(1).forEach(function (term) {
        var top = 0, titled = false, title = Infinity;
        term.lists.forEach(function (list) {
          list.known.forEach(function (hit) { top = Math.max(top, hit.score); if (hit.title) { titled = true; title = Math.min(title, hit.title); } });
          list.blocks.forEach(function (b) { top = Math.max(top, b.top); if (b.titled && !list.titlesKnown) { titled = true; title = Math.min(title, b.titleAtLeast); } });
        });
        others.score += top * term.weight;
        others.titled = others.titled && titled;
        if (titled) others.title = Math.max(others.title, title);
      });
      var one = terms.length === 1 && first.lists.length === 1;
      return unread.map(function (u) {
        var b = u[1], key;
        if (one) {
          key = { tier: b.tier, title: b.title, score: b.best * first.weight, doc: b.start };
          // with the head read, no document left in the block ranks above the head's cap
          var cap = u[0].cap;
          if (cap) {
            var capped = { tier: cap.tier, title: cap.title, score: cap.best * first.weight, doc: b.start };
            if (before(key, capped)) key = capped;
          }
        } else {
          // a document of the block that is not known: no title of it holds the word when the
          // list's titles are known
          var titled = b.titled && !u[0].titlesKnown && others.titled;
          key = { tier: titled ? (b.end > m.explainers ? 3 : 1) : 0, title: titled ? Math.max(b.titleAtLeast, others.title) : 0,
            score: b.top * first.weight + others.score, doc: b.start };
        }
        return { key: key, list: u[0], block: b };
      }).sort(function (a, b) { return before(a.key, b.key) ? -1 : 1; });
    }

    // Reads blocks until the first `k` results are certain: those that can hold a document
    // that could still rank among them (the best unread block of the first term; the blocks of
    // other terms that hold the documents found), a few at a time. `k` = Infinity reads all
    // that the query needs: every document holding all the words is then found.
    function settle(m, found, k) {
      var terms = found.order;
      var results = [], pending = [];
      found.candidates.forEach(function (doc) {
        var j = judge(m, terms, doc);
        if (!j) return;
        if (j.exact) results.push(j.exact); else pending.push(j);
      });
      results.sort(function (a, b) { return before(a, b) ? -1 : 1; });
      var kth = results.length >= k ? results[k - 1] : null;
      var open = function (key) { return !kth || before(key, kth); };
      var unread = unseen(m, terms);
      var wanted = new Map();
      // a round reads up to 4 more blocks than all earlier rounds did, at most MAX_BATCH: the
      // blocks of a round are chosen by what earlier rounds settled, and a larger round reads
      // blocks that a smaller one would have ruled out (while the reader types, `wide`, rounds
      // are larger: time is shorter there than bytes)
      var batch = k === Infinity ? Infinity :
        (found.wide ? Math.min(WIDE_BATCH, WIDE_FIRST + found.reads) : Math.min(MAX_BATCH, 4 + found.reads));
      var unresolved = pending.length;
      // what could still rank among the first k, the most promising first: unread blocks of the
      // first term (a document no read block holds) and the blocks that would settle a document
      // found
      var promising = unread.filter(function (u) { return open(u.key); }).map(function (u) { return { key: u.key, needs: [[u.list, u.block]].concat(partners(terms, u.block)) }; })
        .concat(pending.filter(function (p) { return open(p.bound); }).map(function (p) { return { key: p.bound, needs: p.needs }; }));
      promising.sort(function (a, b) { return before(a.key, b.key) ? -1 : 1; });
      for (var i = 0; i < promising.length && wanted.size < batch; i++) promising[i].needs.forEach(function (n) { wanted.set(n[1], n[0]); });
      if (wanted.size === 0) {
        found.complete = unread.length === 0 && unresolved === 0;
        found.results = found.complete ? results : results.slice(0, k);
        found.count = found.complete ? results.length : estimate(m, terms, results.length);
        found.exact = found.complete || (terms.length === 1 && terms[0].lists.length === 1);
        return Promise.resolve(found);
      }
      found.reads += wanted.size;
      return Promise.all(Array.from(wanted, function (e) {
        var isFirst = terms[0].lists.indexOf(e[1]) >= 0;
        return loadBlock(m, e[1], e[0]).then(function () {
          if (isFirst) blockDocs(e[1], e[0]).forEach(function (d) { found.candidates.add(d); });
        });
      })).then(function () { return settle(m, found, k); });
    }

    // The unread blocks of the other terms that the documents of the first term's `block` will
    // need to be judged, read in the same round as it rather than in the next: those of each term
    // that has at most PARTNERS overlapping it (a term much denser than the first has many, most
    // of them for documents the block does not hold).
    function partners(terms, block) {
      var out = [];
      terms.slice(1).forEach(function (term) {
        var mine = [];
        term.lists.forEach(function (list) {
          list.blocks.forEach(function (b) { if (!b.loaded && b.start < block.end && block.start < b.end) mine.push([list, b]); });
        });
        if (mine.length <= PARTNERS) out = out.concat(mine);
      });
      return out;
    }

    function unreadOf(term) {
      var out = [];
      term.lists.forEach(function (list) { list.blocks.forEach(function (b) { if (!b.loaded) out.push([list, b]); }); });
      return out;
    }
    // The documents of a loaded block.
    function blockDocs(list, block) {
      var out = [];
      list.known.forEach(function (hit, doc) { if (doc >= block.start && doc < block.end) out.push(doc); });
      return out;
    }

    // How many documents hold every term, before all are read: one stem's exact count, else
    // the first term's count times the share of documents holding each other term (at least
    // those found).
    function estimate(m, terms, found) {
      var count = function (term) { return Math.min(m.docs, term.lists.reduce(function (s, l) { return s + l.df; }, 0)); };
      var n = count(terms[0]);
      terms.slice(1).forEach(function (term) { n *= count(term) / Math.max(1, m.docs); });
      return Math.max(found, Math.round(n));
    }

    // The results of `text`, best first: { words, terms, results, count, exact, complete,
    // more(k) }. `results` holds the first `k` (all when `complete`); `count` how many documents
    // hold every word (exactly when `exact`: always for one word, for more once all is read);
    // more(k) reads on for the first `k`. A word the index does not know (nor as a prefix or
    // typo) finds nothing. `wide`: read blocks in larger rounds (WIDE_BATCH), for the prefetch;
    // `untitled`: read no titled postings (see below), for the prefetch of words more will follow.
    function query(text, k, wide, untitled) {
      k = k === undefined ? Infinity : k;
      return meta().then(function (m) {
        var stop = new Set(m.stop_words);
        var ws = words(text).filter(function (w) { return !stop.has(w); });
        var found = { words: ws, terms: [], results: [], count: 0, exact: true, complete: true, reads: 0, candidates: new Set(), wide: !!wide };
        // reading on keeps the first page in the order shown (`exactFirst` orders it among equals;
        // a search that read less for its first page than all would otherwise list it otherwise)
        found.more = function (n) {
          return settle(m, found, n).then(function () {
            if (found.firstPage) found.results = found.firstPage.concat(found.results.slice(found.firstPage.length));
            return found;
          });
        };
        if (ws.length === 0) return found;
        return Promise.all(ws.map(function (w, i) { return term(m, w, i === ws.length - 1, ws.length === 1); })).then(function (terms) {
          if (terms.some(function (t) { return t.lists.length === 0; })) { found.terms = terms; return found; }
          terms.forEach(function (t) { t.weight = t.how === "exact" ? 1 : 0.5; });
          // a query of several words ending in a prefix was not fetched while the reader typed (see
          // prefetch): it reads in the larger rounds itself, as the prefetch would have
          if (terms.length > 1 && terms.some(function (t) { return t.how === "prefix"; })) found.wide = true;
          // the term with the fewest documents leads: every result is among its documents
          var size = function (t) { return t.lists.reduce(function (s, l) { return s + l.df; }, 0); };
          var order = terms.slice().sort(function (a, b) { return size(a) - size(b); });
          found.terms = terms;
          found.order = order;
          // several words, each of one stem, whose titles are counted: when about `k` titles or
          // more would hold them all, the titled postings of each word's blocked list (one round,
          // fetched while the reader types): the first `k` are then often those titles, known
          // exactly, and no unread block can hold one that ranks among them (judge, unseen). A
          // query of words that few titles share (a common word and a rare one) reads as before.
          var lists = terms.map(function (t) { return t.lists[0]; });
          var expected = !untitled && terms.length > 1 && k !== Infinity && terms.every(function (t) { return t.lists.length === 1; }) ?
            expectedTitles(m, lists) : null;
          var titled = expected !== null && expected >= k ? lists.filter(function (l) { return !l.titlesKnown; }) : [];
          return Promise.all(titled.map(function (l) { return titledOf(m, l); })).then(function () {
            order[0].lists.forEach(function (list) { list.known.forEach(function (hit, doc) { found.candidates.add(doc); }); });
            // a lead of a few blocks is read whole, in one round trip: a word alone, of up to
            // WHOLE_BLOCKS blocks (its first ten would take two or three rounds of reading)
            // (unless its head or the titles were read: the first ten are then likely known)
            var few = order[0].lists.some(function (l) { return l.cap; }) || titled.length ? [] : unreadOf(order[0]);
            if (few.length && few.length <= (terms.length === 1 ? WHOLE_BLOCKS : 2)) {
              found.reads += few.length;
              return Promise.all(few.map(function (u) { return loadBlock(m, u[0], u[1]); })).then(function () {
                few.forEach(function (u) { blockDocs(u[0], u[1]).forEach(function (d) { found.candidates.add(d); }); });
                return settle(m, found, k);
              }).then(function () { return exactFirst(m, found, k); });
            }
            return settle(m, found, k).then(function () { return exactFirst(m, found, k); });
          });
        });
      });
    }

    // Among the first page's results (the first PAGE, or `k` when fewer) whose titles hold
    // every query word, those of the same title length rank the titles that spell more of the
    // query's words as typed first: "pages" puts "Pages" before "Page", "hour" "Hour" before
    // "Hours" (the index knows titles by stem); then the titles with the words in the order
    // typed. It reads the document entries of the first page, which the page shows next anyway.
    // Only the first page is reordered, whatever `k`: it is the same ten documents however far
    // the query reads (they are certain once settled), so a search of ten and a search of all
    // agree on them, and `more` keeps their order (`firstPage`) when "Show more" reads on. A
    // title spelled as typed further down keeps its rank: reordering the whole of a title length
    // would need every result of it, and read blocks a first page does not.
    function exactFirst(m, found, k) {
      var first = found.results.slice(0, Math.min(k, PAGE, found.results.length));
      // the words as typed, a typo as the word it was read as
      var typed = found.terms.filter(function (t) { return t.how !== "prefix"; }).map(function (t) { return t.fixed || t.word; });
      if (first.length < 2 || !typed.length || !first.some(function (r) { return r.tier > 0; })) return found;
      return documents(first).then(function (entries) {
        first.forEach(function (r, i) {
          var title = words(entries[i].t), set = new Set(title);
          r.spelled = r.tier > 0 ? typed.filter(function (w) { return set.has(w); }).length : 0;
          // whether the title has the typed words in the order typed
          var at = -1;
          r.ordered = r.spelled === typed.length && typed.every(function (w) { at = title.indexOf(w, at + 1); return at >= 0; });
        });
        // the results of one title length are next to each other: sorting within them is a
        // consistent order
        var order = first.map(function (r, i) { return i; }).sort(function (a, b) {
          var x = first[a], y = first[b];
          if (x.tier !== y.tier || x.title !== y.title) return a - b;
          if (x.spelled !== y.spelled) return y.spelled - x.spelled;
          if (x.ordered !== y.ordered) return x.ordered ? -1 : 1;
          return a - b;
        });
        found.firstPage = order.map(function (i) { return first[i]; });
        found.results = found.firstPage.concat(found.results.slice(first.length));
        return found;
      });
    }

    // The document entries of `results`, in order.
    function documents(results) {
      return meta().then(function (m) {
        return Promise.all(results.map(function (r) {
          if (entries.has(r.doc)) return entries.get(r.doc);
          return load("d/" + Math.floor(r.doc / m.per_shard) + ".json").then(function (s) { return s[r.doc % m.per_shard]; });
        }));
      });
    }

    // Starts loading what `text` will need first, while the reader is still typing, so that the
    // search that follows finds it loaded: the term shard of each word; and when every word is
    // one of the index, everything the query reads: the document entries of its first results; for a word alone in
    // many, its head (its first ten with their entries, one file, fetched at the key that
    // completes the word and in by the end of the reader's pause); for several words, the blocks
    // their first results come from, in rounds of up to WIDE_BATCH blocks, and their document
    // entries. Words of which one is not in the index (a word being typed) fetch only their term
    // shards: reading blocks for each prefix of a word in turn read more bytes than the query
    // itself, and kept the network busy when the word was complete. Several common words whose
    // titles settle the first results read those titles, not blocks; but once the text ends in a
    // space (another word is coming), the blocks are read as if no title were counted: a query of
    // three common words whose titles do not settle it needs most of them, and has them by the
    // time its last word is typed (at 2,000 explainers over six connections, 360 ms after the
    // last key, where the titles alone took 580 ms).
    function prefetch(text) {
      return meta().then(function (m) {
        var stop = new Set(m.stop_words);
        var ws = words(text).filter(function (w) { return !stop.has(w); });
        // per word: null when the index does not have it (a prefix, or a typo), else whether its
        // list is cut into blocks
        return Promise.all(ws.map(function (w) {
          return shardFor(m, w).then(function (s) {
            var stem = has(s.w, w) ? s.w[w] : (has(s.t, w) ? w : null);
            return stem === null ? null : shardFor(m, stem).then(function (t) { return Array.isArray(t.t[stem]); });
          });
        })).then(function (blocked) {
          var whole = blocked.length > 0 && blocked.every(function (b) { return b !== null; });
          if (!whole) return null;
          var more = /[^\p{L}\p{N}\p{M}]$/u.test(text);
          return query(text, PAGE, true, more).then(function (found) { return documents(found.results.slice(0, PAGE)); });
        }).catch(function () {});
      });
    }

    return { meta: meta, query: query, documents: documents, prefetch: prefetch };
  }

  // The page's strings in its language: the JSON of the form's `data-messages` (the theme's
  // catalogue, its `js_` keys without the prefix: src/i18n/). `msg("results", { n: 3 })` picks
  // the plural form by the browser's CLDR rules (Intl.PluralRules) and fills in each `{name}`.
  function translator(json) {
    var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };
    var data = {};
    try { data = JSON.parse(json || "{}") || {}; } catch (e) { data = {}; }
    var messages = data.messages || {};
    var rules = null;
    try { rules = new Intl.PluralRules(data.lang || "en"); } catch (e) { rules = null; }
    return function (key, args) {
      args = args || {};
      var m = has(messages, key) ? messages[key] : key;
      if (m && typeof m === "object") {
        var category = rules && typeof args.n === "number" ? rules.select(args.n) : "other";
        m = has(m, category) ? m[category] : m.other;
      }
      return String(m).replace(/\{(\w+)\}/g, function (all, name) { return has(args, name) ? String(args[name]) : all; });
    };
  }

  // Node loads this file to test it (tests/browser/search-words.js, tests/search_recall.rs):
  // no page to search there.
  if (typeof module === "object" && module.exports) {
    module.exports = { words: words, notAfter: notAfter, oneEdit: oneEdit, decode: decode, createEngine: createEngine, translator: translator };
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
  var msg = translator(form.getAttribute("data-messages"));
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

  var KIND = { explainer: msg("kind_explainer"), topic: msg("kind_topic"), actor: msg("kind_actor") };

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

  function count(n) { return msg("results", { n: n }); }

  // Shows the next PAGE results of the current query, reading on in the index when it has not
  // settled them yet; `focus` moves the keyboard to the first of them (after "Show more").
  function showMore(id, focus) {
    var found = current;
    var from = list.children.length;
    var ready = found.complete || found.results.length >= from + PAGE ? Promise.resolve(found) : found.more(from + PAGE);
    return ready.then(function () {
      if (id !== latest) return;
      return engine.documents(found.results.slice(from, from + PAGE));
    }).then(function (docs) {
      if (!docs || id !== latest) return;
      var matches = matcher(found.terms);
      var first = null;
      docs.forEach(function (d) {
        var li = item(d, matches);
        first = first || li.querySelector("a");
        list.appendChild(li);
      });
      var shown = list.children.length, total = found.count;
      // before all is read, a query of several words knows its count only about
      var of = found.exact ? count(total) : msg("about", { count: count(total) });
      var fixed = found.terms.filter(function (t) { return t.how === "typo"; }).map(function (t) { return msg("searched_as", { word: t.word, fixed: t.fixed }); });
      status.textContent = (shown === 0 ? msg("no_results") :
        (found.complete && shown >= found.results.length ? msg("all_shown", { count: count(shown) }) : msg("showing", { shown: shown, count: of }))) +
        (fixed.length ? " " + msg("searched", { list: fixed.join(", ") }) : "");
      more.hidden = found.complete && shown >= found.results.length;
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
    status.textContent = msg("searching");
    engine.query(text, PAGE).then(function (found) {
      if (id !== latest) return;
      current = found;
      return showMore(id, false);
    }).catch(function () {
      if (id === latest) status.textContent = msg("failed");
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
