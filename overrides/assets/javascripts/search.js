/*
 * search.js - the site search: Material's search box, Pagefind's index. Loaded right before
 * Material's bundle (overrides/main.html).
 *
 * WHY: Material's built-in search fetches one lunr index of BOTH languages on every page load
 * (136 KB gzip at 32 pages, 2.6 MB at 100x). Pagefind (src/kbtools/sitesearch.py) writes a
 * chunked index per language instead: a query fetches only the chunks it needs, and nothing is
 * fetched until the reader focuses the search box. Material's search UI is kept as it is
 * (keyboard shortcuts, ?q= share links, highlighting on the opened page): it talks to a search
 * worker through four messages (SearchMessageType in the bundle: SETUP = 0, READY = 1,
 * QUERY = 2, RESULT = 3), and this file answers them in the page instead of a worker:
 *
 *  1. Material's request for search/search_index.json (XMLHttpRequest) is answered in the page
 *     with an index without documents (only its config: the separator Material's page
 *     highlighter splits ?h= with);
 *  2. window.Worker, for Material's search worker URL, returns an object that answers SETUP with
 *     READY and each QUERY with a RESULT built from Pagefind's results.
 *
 * A query is rewritten for the index (see sitesearch.py for the tokens):
 *  - flags: "--memory-swap" -> the token of that flag (zfmemoryxswapq): only pages that carry
 *    the flag match; when none does, the flag is searched as a prefix (a half-typed flag);
 *    "--network=none" also searches "none";
 *  - Chinese: each run is cut into the index's words (longest first, the word list
 *    pagefind/kb-words.zh.han.json) and each word is searched as its token (zq + letters);
 *  - English stop words are dropped when other words remain;
 *  - a word or flag that the index does not have as typed: near misses are corrected from the
 *    word lists ("memroy" -> memory, "--memroy-swap", "镜象" -> 镜像); nothing found: the
 *    words are searched one by one and the pages merged.
 * Titles and excerpts are decoded back to Chinese, tokens and invisible characters removed.
 *
 * What the first query fetches (issue 16: at most 170 KB gzip, whatever the site's size):
 * Pagefind's code and wasm (~84 KB), the glossary file (2.5 KB), the index chunks of the query's
 * words (28-40 KB each, one or two per word), and the excerpts of FIRST_PAGES pages (2-14 KB
 * each). The word lists (10-12 KB each) are fetched only by the queries that need them (see
 * find()). Figures and the reasons: src/kbtools/sitesearch.py and the README's search section.
 * tests/test_search_browser.py checks all of this in Chromium: a Material upgrade that changes
 * the protocol fails it.
 */
(function () {
  "use strict";

  var NativeWorker = window.Worker;
  if (typeof NativeWorker !== "function") return;

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  // Pages whose excerpts are loaded with the first results (each is one Pagefind fragment,
  // 2-14 KB): the first query's bytes are Pagefind's code and wasm (~84 KB), one or two index
  // chunks (28-40 KB each) and these. The page that explains the term the query names is
  // among them whatever Pagefind's rank (the glossary file carries its id). More pages, MORE_PAGES
  // at a time, are loaded when the reader scrolls to the end of the results.
  var FIRST_PAGES = 3;
  var MORE_PAGES = 5;
  var LONGEST_WORD = 8;
  // What Material's page highlighter splits the ?h= words with (it needs a separator).
  var SEPARATOR = "[\\s\\-=,.:;!?()\\[\\]{}<>\"'/|、。，．？！；：（）《》“”‘’]+";
  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  var HAN_RUN = new RegExp("[" + HAN + "]+", "g");
  var HAN_BASE = 0x3400;
  var FLAG = /^--?[a-z][a-z0-9-]*$/i;
  var INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;
  // lunr 2.3.9's English stop words (the list the previous search used).
  var STOP_WORDS = new Set((
    "a able about across after all almost also am among an and any are as at be because been " +
    "but by can cannot could dear did do does either else ever every for from get got had has " +
    "have he her hers him his how however i if in into is it its just least let like likely may " +
    "me might most must my neither no nor not of off often on only or other our own rather said " +
    "say says she should since so some than that the their them then there these they this tis " +
    "to too twas us wants was we were what when where which while who whom why will with would " +
    "yet you your").split(" "));

  function siteConfig() {
    return JSON.parse(document.getElementById("__config").textContent);
  }
  function siteRoot() { return new URL(siteConfig().base + "/", location.href); }
  function pageLanguage() { return document.documentElement.lang.split("-")[0] || "zh"; }

  /* ---------------------------------------------------------------- loading, on first use */

  var loading = null;
  var files = {};

  function indexLanguage() { return pageLanguage() === "en" ? "en" : "zh"; }

  /** Pagefind and this language's glossary file: fetched once, on focus or on the first query. */
  function load() {
    if (!loading) {
      var root = siteRoot();
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        return pagefind.options({
          baseUrl: root.pathname,
          noWorker: true,          // one request less (12 KB); a query takes milliseconds
          excerptLength: 24,
          // pagefind_index.py keeps a word's best pages by the same two (K1, B): keep in step
          ranking: {termFrequency: 0.8, pageLength: 0.5, termSaturation: 1.2}
        }).then(function () {
          return Promise.all([openIndex(pagefind), glossaryOf(indexLanguage())])
            .then(function () { return pagefind; });
        });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /**
   * Start Pagefind on this page's index. Chinese pages are indexed as "zxx" (their words are
   * tokens already, see sitesearch.py); Pagefind takes the index's language from <html lang>
   * when it starts (synchronously, without its worker), so the attribute says "zxx" for that
   * one call. The language-isolation tests fail if a Pagefind upgrade changes this.
   */
  function openIndex(pagefind) {
    if (pageLanguage() === "en") return pagefind.init();
    var html = document.documentElement;
    var lang = html.getAttribute("lang");
    html.setAttribute("lang", "zxx");
    try {
      return pagefind.init();
    } finally {
      html.setAttribute("lang", lang);
    }
  }

  /** One of the files sitesearch.py writes beside Pagefind's index, fetched once. */
  function file(name) {
    if (!files[name]) {
      files[name] = fetch(new URL("pagefind/" + name, siteRoot())).then(function (r) {
        if (!r.ok) throw new Error(name + ": " + r.status);
        return r.json();
      });
      files[name].catch(function () { delete files[name]; });
    }
    return files[name];
  }

  /** What every query of `lang` needs (2 KB): the page that explains each glossary term
   *  (terms: {"copy on write": ["images/layers/#union-fs", heading, glossary id, Pagefind
   *  id of the page]}) and the list pages. */
  function glossaryOf(lang) {
    return file("kb-words." + lang + ".terms.json").then(function (data) {
      return {terms: data.terms || {}, lists: data.lists || {},
              commonPages: data.common_pages || Infinity};
    });
  }

  /** The index's words of `lang` of the given kinds ("han": Chinese words, to cut a Chinese
   *  query as the index was cut; "latin": English words and flags, for near misses), most
   *  frequent first, as {list, set}. Fetched only when a query needs them. */
  function lexicon(lang, kinds) {
    return Promise.all(kinds.map(function (kind) {
      return file("kb-words." + lang + "." + kind + ".json");
    })).then(function (datas) {
      var list = datas.reduce(function (all, data) { return all.concat(data.words); }, []);
      return {list: list, set: new Set(list)};
    });
  }

  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.matches && event.target.matches(".md-search__input"))
      load();
  });

  /* ---------------------------------------------------------------- tokens of the index */

  function hanToken(word) {
    var out = "zq";
    Array.from(word).forEach(function (char) {
      var value = char.codePointAt(0) - HAN_BASE, digits = "";
      for (var i = 0; i < 4; i++) {
        digits = String.fromCharCode(97 + value % 26) + digits;
        value = Math.floor(value / 26);
      }
      out += digits;
    });
    return out;
  }

  function decodeHan(letters) {
    var out = "";
    for (var i = 0; i < letters.length; i += 4) {
      var value = 0;
      for (var j = 0; j < 4; j++) value = value * 26 + letters.charCodeAt(i + j) - 97;
      out += String.fromCodePoint(value + HAN_BASE);
    }
    return out;
  }

  /** "--memory-swap" -> "zfmemoryxswapq", "-P" -> "zf0pq" (flags are case-sensitive); without
   *  the closing "q" it matches by prefix. */
  function flagToken(flag, prefix) {
    var name = flag.replace(/^-+/, "").replace(/[A-Z]/g, function (c) { return "0" + c.toLowerCase(); });
    return "zf" + name.replace(/-/g, "x") + (prefix ? "" : "q");
  }

  // Spaces the index put between a Chinese word and punctuation ("俗称 “ 端口映射 ”"); only
  // next to Chinese, so English text keeps its spaces around quotes and dashes.
  var CJK_PUNCT = "\\u3000-\\u303f\\uff00-\\uffef“”‘’";
  var PUNCT_BEFORE = new RegExp("([" + HAN + "](?:</?mark>)*) +((?:</?mark>)*[" + CJK_PUNCT + "])", "g");
  var PUNCT_AFTER = new RegExp("([" + CJK_PUNCT + "](?:</?mark>)*) +((?:</?mark>)*[" + HAN + "])", "g");
  var GAP = new RegExp("([" + HAN + "])((?:</?mark>)*) +((?:</?mark>)*)(?=[" + HAN + "])", "g");

  /** Index text (Pagefind's excerpt or title, HTML) back to what the page shows. */
  function decode(html) {
    return String(html || "")
      // Pagefind marks the flag's token ("--rm <mark>zfrmq</mark>"): mark the flag instead
      .replace(/(--?[a-z0-9][a-z0-9-]*)\s*<mark>zf[a-z0-9]+q<\/mark>/gi, "<mark>$1</mark>")
      .replace(/ ?zf[a-z0-9]*q(?![a-z0-9])/g, "")
      .replace(/zq((?:[a-z]{4})+)/g, function (_, letters) { return decodeHan(letters); })
      .replace(GAP, "$1$2$3")
      .replace(GAP, "$1$2$3")
      // the index separates words from CJK punctuation with spaces ("俗称 “ 端口映射 ”")
      .replace(PUNCT_BEFORE, "$1$2").replace(PUNCT_AFTER, "$1$2")
      .replace(/ {2,}/g, " ")
      .replace(/<\/mark>(\s*)<mark>/g, "$1")
      .replace(INVISIBLE, "");
  }

  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  /* ---------------------------------------------------------------- query rewriting */

  /** "交换分区" -> ["交换", "分区"]: the longest word of the index first; characters that start
   *  no known word stay together. */
  function cutChinese(run, words) {
    var out = [], unknown = "";
    for (var start = 0, end; start < run.length; start = end) {
      end = Math.min(run.length, start + LONGEST_WORD);
      while (end > start + 1 && !(words && words.set.has(run.slice(start, end)))) end--;
      var word = run.slice(start, end);
      if (words && words.set.has(word)) {
        if (unknown) out.push(unknown);
        out.push(word);
        unknown = "";
      } else {
        unknown += word;
      }
    }
    if (unknown) out.push(unknown);
    return out;
  }

  /**
   * A reader's query -> {terms: tokens for Pagefind, words: what to highlight, parts: for
   * corrections}. Each part is {kind: "flag"|"han"|"latin", text, terms, words}.
   */
  function plan(query, words) {
    var parts = [];
    query.replace(INVISIBLE, "").trim().split(/\s+/).forEach(function (raw) {
      if (!raw) return;
      if (FLAG.test(raw) || /^--?[a-z][a-z0-9-]*=/i.test(raw)) {
        var pieces = raw.split("=");
        parts.push(flagPart(pieces[0]));
        pieces.slice(1).join(" ").split(/[^a-z0-9]+/i).filter(Boolean).forEach(function (w) {
          parts.push(latinPart(w));
        });
        return;
      }
      raw.split(new RegExp("([" + HAN + "]+)")).forEach(function (piece) {
        if (!piece) return;
        if (new RegExp("^[" + HAN + "]").test(piece)) {
          cutChinese(piece, words).forEach(function (word) {
            parts.push({kind: "han", text: word, terms: [hanToken(word)], words: [word]});
          });
        } else {
          var pieces = piece.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
          pieces.forEach(function (w) {
            // a stop word inside a hyphenated word ("read-only") is part of a term: kept
            parts.push(Object.assign(latinPart(w), {joined: pieces.length > 1}));
          });
        }
      });
    });
    var meaningful = parts.filter(function (p) {
      return !(p.kind === "latin" && !p.joined && STOP_WORDS.has(p.text));
    });
    if (meaningful.length) parts = meaningful;
    return parts;
  }

  function flagPart(flag) {
    var names = flag.replace(/^-+/, "").toLowerCase().split("-").filter(Boolean);
    return {kind: "flag", text: flag, terms: [flagToken(flag)], words: names};
  }
  function latinPart(word) {
    return {kind: "latin", text: word.toLowerCase(), terms: [word.toLowerCase()], words: [word.toLowerCase()]};
  }

  function termsOf(parts) {
    return parts.reduce(function (all, p) { return all.concat(p.terms); }, []);
  }
  function wordsOf(parts) {
    return parts.reduce(function (all, p) { return all.concat(p.words); }, []);
  }

  /* ---------------------------------------------------------------- near misses */

  /** Edit distance with adjacent transpositions ("memroy" is one edit from "memory"). */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d[i] = [i]; }
    for (j = 0; j <= b.length; j++) d[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                           d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
    return d[a.length][b.length];
  }

  /** The most frequent word of the index within reach of `word` (1 edit, 2 from 7 letters;
   *  Chinese: the same length with one character different), or null. */
  function nearest(word, words, han) {
    if (!words) return null;
    var limit = han ? 1 : word.length >= 7 ? 2 : 1;
    if (!han && word.length < 4) return null;
    for (var i = 0; i < words.list.length; i++) {
      var candidate = words.list[i];
      if (candidate === word) return null;
      if (han) {
        if (candidate.length !== word.length || !new RegExp("^[" + HAN + "]+$").test(candidate)) continue;
        var diff = 0;
        for (var k = 0; k < word.length; k++) if (candidate[k] !== word[k]) diff++;
        if (diff === 1) return candidate;
      } else if (/^-*[a-z0-9-]+$/.test(candidate) && editDistance(word, candidate, limit) <= limit) {
        return candidate;
      }
    }
    return null;
  }

  /** Does the index know `word`, or a word that starts with it (the reader is still typing)? */
  function known(word, words) {
    if (words.set.has(word)) return true;
    for (var i = 0; i < words.list.length; i++) if (words.list[i].indexOf(word) === 0) return true;
    return false;
  }

  /** The query with near misses replaced by words of the index ("memroy" -> "memory",
   *  "镜象" -> "镜像", "--memroy-swap" -> "--memory-swap"); words the index knows stay. */
  function corrected(query, words) {
    return query.split(/(\s+)/).map(function (raw) {
      if (!raw.trim()) return raw;
      return raw.replace(HAN_RUN, function (run) {
        if (run.length < 2 || run.length > 4 || known(run, words)) return run;
        var cut = cutChinese(run, words);
        if (cut.every(function (w) { return w.length > 1 && words.set.has(w); })) return run;
        return nearest(run, words, true) || run;
      }).replace(/^(--?)?([a-z][a-z0-9-]*)$/i, function (all) {
        var word = all.charAt(0) === "-" ? all : all.toLowerCase();   // -P is not -p
        if (known(word, words) || (word.charAt(0) !== "-" && word.indexOf("-") > 0)) return all;
        var fix = nearest(word, words, false);
        return fix && (fix.charAt(0) === "-") === (word.charAt(0) === "-") ? fix : all;
      });
    }).join("");
  }

  /* ---------------------------------------------------------------- searching */

  function run(pagefind, parts) {
    var terms = termsOf(parts);
    if (!terms.length) return Promise.resolve([]);
    return pagefind.search(terms.join(" ")).then(function (found) { return found.results; });
  }

  /** Pages matching any part, best summed score first (each page keeps its best result). */
  function anyOf(pagefind, parts) {
    return Promise.all(parts.map(function (p) { return run(pagefind, [p]); })).then(function (lists) {
      var pages = new Map();
      lists.forEach(function (results) {
        results.forEach(function (r) {
          var seen = pages.get(r.id);
          if (!seen) pages.set(r.id, {result: r, score: r.score, terms: 1});
          else {
            seen.score += r.score; seen.terms += 1;
            if (r.score > seen.result.score) seen.result = r;
          }
        });
      });
      return Array.from(pages.values())
        .sort(function (a, b) { return b.terms - a.terms || b.score - a.score; })
        .map(function (entry) { return {result: entry.result, score: entry.score}; });
    });
  }

  /**
   * Pagefind's results for a reader's query, with the parts it was searched as. The word lists
   * are fetched only when a query needs them: the Chinese words when the query has Chinese in
   * it (cut into the index's words, a near miss corrected); the English words and flags only
   * when one of the query's words or flags is not a word of the index as typed (a near miss,
   * or a word still being typed). Whether it is, is an exact search of each (Pagefind loads
   * the same index chunks as for the query itself: no extra bytes); a plain search cannot
   * tell, since Pagefind answers a word it does not have with similar words.
   */
  function find(pagefind, query) {
    var lang = indexLanguage();
    var han = new RegExp("[" + HAN + "]").test(query);
    return Promise.all([glossaryOf(lang), han ? lexicon(lang, ["han"]) : null])
      .then(function (loaded) {
        var glossary = loaded[0], hanWords = loaded[1];
        var parts = plan(hanWords ? corrected(query, hanWords) : query, hanWords);
        return allInIndex(pagefind, parts).then(function (asTyped) {
          if (asTyped) return search(pagefind, query, glossary, hanWords);
          return lexicon(lang, han ? ["han", "latin"] : ["latin"]).then(function (words) {
            return search(pagefind, query, glossary, words);
          });
        });
      });
  }

  /** Is each English word and flag of the query a word of the index (exactly, not a prefix)? */
  function allInIndex(pagefind, parts) {
    var checked = parts.filter(function (p) { return p.kind !== "han"; });
    return Promise.all(checked.map(function (p) {
      return pagefind.search("\"" + p.terms[0] + "\"").then(function (found) {
        return found.results.length > 0;
      });
    })).then(function (found) { return found.every(Boolean); });
  }

  /**
   * The query's parts split into those searched and its common words, when it has other words:
   * {rare, common}. The index keeps a word's best pages only (pagefind_index.py: at most
   * `common_pages` of the terms file), so a word on more pages than that ("docker" on a large
   * site) would cut the others' results down to its own best pages; a reader searching "docker
   * exec" wants the exec pages. Common words still rank the results (headings, phrases) and are
   * highlighted. How many pages a word has is an exact search of it, on the chunks the query
   * loads anyway.
   */
  function splitCommon(pagefind, parts, glossary) {
    var none = {rare: parts, common: []};
    if (parts.length < 2 || !isFinite(glossary.commonPages)) return Promise.resolve(none);
    return Promise.all(parts.map(function (p) {
      return pagefind.search("\"" + p.terms[0] + "\"").then(function (found) {
        return found.results.length >= glossary.commonPages;
      });
    })).then(function (common) {
      var split = {
        rare: parts.filter(function (p, i) { return !common[i]; }),
        common: parts.filter(function (p, i) { return common[i]; })
      };
      return split.rare.length ? split : none;
    });
  }

  function search(pagefind, query, glossary, words) {
    var fixed = words ? corrected(query, words) : query;
    return splitCommon(pagefind, plan(fixed, words), glossary).then(function (split) {
      return searchParts(pagefind, split.rare, fixed, glossary).then(function (found) {
        found.parts = found.parts.concat(split.common);
        return found;
      });
    });
  }

  function searchParts(pagefind, parts, fixed, glossary) {
    var attempt = function (list) {
      return run(pagefind, list).then(function (results) {
        return {parts: list, words: glossary, query: fixed,
                results: results.map(function (r) { return {result: r, score: r.score}; })};
      });
    };
    return attempt(parts).then(function (found) {
      if (found.results.length) return found;
      // flags as prefixes: the reader is still typing ("--memory-sw")
      var prefixes = parts.map(function (p) {
        return p.kind === "flag" ? Object.assign({}, p, {terms: [flagToken(p.text, true)]}) : p;
      });
      return attempt(prefixes).then(function (found2) {
        if (found2.results.length || parts.length < 2) return found2;
        // still nothing: pages with any of the words, those with more of them first
        return anyOf(pagefind, prefixes).then(function (results) {
          return {parts: prefixes, words: glossary, query: fixed, results: results};
        });
      });
    });
  }

  /** "Copy-on-write", "copy on write", "volumes" -> the glossary's key of the term. */
  function termKey(query) {
    return query.toLowerCase().split(/[\s\-_]+/).filter(Boolean).join(" ");
  }

  /** The page (and section) that explains the term the query names, per the glossary. */
  function explainingPage(query, words) {
    var key = termKey(query);
    var terms = (words && words.terms) || {};
    return terms[key] || terms[key.replace(/e?s$/, "")] || null;
  }

  /* ---------------------------------------------------------------- Material's results */

  function sectionScore(sub) {
    return (sub.weighted_locations || []).reduce(function (sum, loc) {
      return sum + (loc.balanced_score || loc.weight || 0);
    }, 0);
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /** Per part of the query, a test of whether a title names it: a flag as a flag ("-it" also
   *  as "-i" and "-t"), a Chinese word as it is, an English word as the start of a word. */
  function titleTests(parts) {
    return parts.map(function (p) {
      if (p.kind === "flag") {
        var exact = new RegExp("(?:^|[^\\w-])" + escapeRegExp(p.text) + "(?![\\w-])");
        var letters = /^-[a-z0-9]{2,}$/i.test(p.text) ? Array.from(p.text.slice(1)) : [];
        return function (title) {
          return exact.test(title) || (letters.length > 0 && letters.every(function (c) {
            return new RegExp("(?:^|[^\\w-])-" + c + "(?![\\w-])").test(title);
          }));
        };
      }
      if (p.kind === "han") return function (title) { return title.indexOf(p.text) >= 0; };
      // "registry" also names "Registries", "volumes" "Volume": the word without its ending
      // a short word must be the whole word: "cp" does not name "CPU"
      var stem = p.text.replace(/(?:ies|es|s|y|ing|ed)$/, "");
      var word = stem.length >= 4 ? new RegExp("\\b" + escapeRegExp(stem), "i")
        : new RegExp("\\b" + escapeRegExp(p.text) + "(?:s|es)?\\b", "i");
      return function (title) { return word.test(title); };
    });
  }

  /** Share of the query's parts that `title` (HTML) names: 0 .. 1. */
  function titleMatch(title, tests) {
    if (!tests.length) return 0;
    var text = title.replace(/<[^>]*>/g, "");
    return tests.filter(function (test) { return test(text); }).length / tests.length;
  }

  var TITLE_BOOST = 3;    // a section whose heading names the query ranks first on its page
  var GLOSSARY_BOOST = 4; // the page that explains the term the query names

  /** One Pagefind result -> [rank, Material's group: the page first, then its sections]. */
  /** The query as a phrase, to compare with plain text ("read only template"), or null. */
  function phraseOf(query) {
    var phrase = plainText(escapeHTML(query.trim()));
    return phrase.indexOf(" ") > 0 ? phrase : null;
  }
  function plainText(html) {
    return html.replace(/<[^>]*>/g, "").toLowerCase().replace(/[\s\-_]+/g, " ")
      .replace(new RegExp("([" + HAN + "]) (?=[" + HAN + "])", "g"), "$1");
  }

  /**
   * One Pagefind result -> [rank, Material's group: the page first, then its sections].
   * Pagefind ranks pages by the words they contain; on top of that, as a reader expects:
   *  - a section whose heading names the query ranks first on its page, and its page higher;
   *  - a page whose title names the whole query is itself the best match (it is about it);
   *  - the section the glossary names for the term the query names ranks first on its page,
   *    and its page higher (data/glossary.yml: page + anchor);
   *  - a section whose excerpt holds the query as a phrase ranks higher, and its page too;
   *  - the glossary, the flag index and the home page get no heading bonus (they list terms).
   */
  function group(data, score, parts, root, explains, phrase) {
    var relative = function (url) {
      var path = new URL(url, location.origin);
      var rel = path.pathname.indexOf(root.pathname) === 0
        ? path.pathname.slice(root.pathname.length) : path.pathname.replace(/^\//, "");
      return rel + path.hash;
    };
    var terms = {};
    wordsOf(parts).forEach(function (word) { terms[word] = true; });
    var tests = titleTests(parts);
    var boost = data.meta && data.meta.list ? 0 : TITLE_BOOST;
    var title = decode(escapeHTML((data.meta && data.meta.title) || ""));
    var page = {location: relative(data.url), title: title, text: "", score: 0, terms: terms};
    var sections = [];
    var seen = new Set();
    var bestSection = 0;
    var hasPhrase = false;     // the query as it was typed appears on the page
    (data.sub_results || []).forEach(function (sub) {
      var location = relative(sub.url);
      var item = {
        location: location, title: decode(escapeHTML(sub.title || "")),
        text: "<p>" + decode(sub.excerpt) + "</p>", score: sectionScore(sub), terms: terms
      };
      if (phrase && plainText(item.text).indexOf(phrase) >= 0) {
        item.score *= 2;
        hasPhrase = true;
      }
      if (location.indexOf("#") < 0) {
        page.text = item.text;
        page.score = item.score;
        return;
      }
      // the flag index lists run and create with the same rows: show an excerpt once
      if (seen.has(item.text)) return;
      seen.add(item.text);
      var match = titleMatch(item.title, tests);
      bestSection = Math.max(bestSection, match);
      // on a list page too, the section the query names comes first (the page gets no bonus)
      item.score *= 1 + (boost || TITLE_BOOST) * match;
      sections.push(item);
    });
    if (!sections.length && !page.text) page.text = "<p>" + decode(data.excerpt) + "</p>";
    if (!sections.length && !page.score) page.score = score;
    var top = function () {
      return sections.reduce(function (max, item) { return Math.max(max, item.score); }, 0);
    };
    var pageMatch = boost && titleMatch(title, tests) === 1 ? 1 : 0;
    if (pageMatch) page.score = Math.max(page.score * (1 + boost), top() * 1.01);
    var explained = 1;
    if (explains) {
      var target = explains[0].split("#");
      if (("/" + page.location).slice(-target[0].length - 1) === "/" + target[0]) {
        explained = GLOSSARY_BOOST;
        if (!pageMatch && target[1]) {
          var anchor = page.location + "#" + target[1];
          var named = sections.filter(function (item) { return item.location === anchor; })[0];
          if (!named) {   // the section does not repeat the term: show its heading anyway
            named = {location: anchor, title: escapeHTML(explains[1] || ""), text: "", score: 0, terms: terms};
            sections.push(named);
          }
          named.score = Math.max(named.score, top() * 1.01);
        }
      }
    }
    sections.sort(function (a, b) { return b.score - a.score; });
    var rank = score * explained * (hasPhrase ? 2 : 1) * (1 + boost * (pageMatch + bestSection) / 2);
    // a list page's heading (the flag index's `docker cp`) does not name the best match
    var named = explained > 1 || pageMatch === 1 || (boost > 0 && bestSection === 1);
    return [rank, [page].concat(sections), named];
  }

  /** Material's groups for `count` results of `found` (from `start`), best first, and where
   *  the next batch starts: {items, next}. When no page of the first batch names the query
   *  (a heading, the title or the glossary's page for the term), the best match may be just
   *  below in Pagefind's order ("docker exec": the section titled so is on its 4th page): the
   *  batch is ranked together with the next pages, up to MORE_PAGES. */
  function groups(found, start, count) {
    return ranked(found, start, count).then(function (list) {
      var named = list.some(function (entry) { return entry[2]; });
      if (start > 0 || named || found.pages.length <= count)
        return {items: byRank(list), next: start + count};
      return ranked(found, count, MORE_PAGES - count).then(function (more) {
        return {items: byRank(list.concat(more)), next: MORE_PAGES};
      });
    });
  }

  function ranked(found, start, count) {
    var batch = found.pages.slice(start, start + count);
    return Promise.all(batch.map(function (entry) { return entry.result.data(); }))
      .then(function (datas) {
        var root = siteRoot();
        return datas.map(function (data, i) {
          return group(data, batch[i].score, found.parts, root,
                       explainingPage(found.query, found.words), phraseOf(found.query));
        });
      });
  }

  function byRank(list) {
    return list.sort(function (a, b) { return b[0] - a[0]; }).map(function (entry) { return entry[1]; });
  }

  /**
   * The flag index and the glossary have the largest excerpt data (13-17 KB each): they are
   * listed after the first pages as a link (the glossary's to the term the query names)
   * without loading it, when Pagefind's filter on that page says it matches. The flag index's
   * group pages only for a flag query (there each is the table of every flag of its commands).
   * Sets found.pages: the results whose excerpts are loaded, in Pagefind's order.
   */
  function listPages(pagefind, found) {
    var lists = (found.words && found.words.lists) || {};
    var isFlag = found.parts.some(function (p) { return p.kind === "flag"; });
    // the flag index's group pages ("flags-containers", ...) only for a flag query
    var names = Object.keys(lists).filter(function (name) { return name.indexOf("flags") !== 0 || isFlag; });
    var terms = termsOf(found.parts).join(" ");
    found.pages = found.results;
    found.stubs = [];
    if (!terms || found.results.length <= 1) return Promise.resolve(explainedFirst(found));
    return Promise.all(names.map(function (name) {
      return pagefind.search(terms, {filters: {list: name}}).then(function (only) {
        return only.results.length ? [name, only.results[0].id] : null;
      }, function () { return null; });
    })).then(function (matches) {
      var skip = new Set();
      var term = explainingPage(found.query, found.words);
      var highlight = {};
      wordsOf(found.parts).forEach(function (word) { highlight[word] = true; });
      matches.filter(Boolean).forEach(function (match) {
        var list = lists[match[0]];
        skip.add(match[1]);
        var anchor = match[0] === "glossary" && term && term[2] ? "#" + term[2] : "";
        found.stubs.push([{location: list[0] + anchor, title: escapeHTML(list[1]), text: "",
                           score: 0, terms: highlight}]);
      });
      found.pages = found.results.filter(function (entry) { return !skip.has(entry.result.id); });
      return explainedFirst(found);
    });
  }

  /** The page that explains the term the query names (its Pagefind id is in the glossary
   *  file) goes into the first batch, whose excerpts are loaded and ranked (see group()). */
  function explainedFirst(found) {
    var term = explainingPage(found.query, found.words);
    var id = term && term[3];
    var at = id ? found.pages.findIndex(function (entry) { return entry.result.id === id; }) : -1;
    if (at > 0) found.pages = [found.pages[at]].concat(found.pages.slice(0, at), found.pages.slice(at + 1));
    return found;
  }

  /* ---------------------------------------------------------------- the stand-in worker */

  function SearchWorker() {
    this.listeners = [];
    this.onmessage = null;
    this.latest = 0;
    this.shown = null;       // {ticket, found, items}: the results of the latest query
    this.loadingMore = false;
  }
  SearchWorker.prototype.addEventListener = function (type, listener) {
    if (type === "message") this.listeners.push(listener);
  };
  SearchWorker.prototype.removeEventListener = function (type, listener) {
    this.listeners = this.listeners.filter(function (l) { return l !== listener; });
  };
  SearchWorker.prototype.terminate = function () { this.listeners = []; };
  SearchWorker.prototype.emit = function (data) {
    var event = new MessageEvent("message", {data: data});
    this.listeners.slice().forEach(function (listener) { listener.call(this, event); }, this);
    if (typeof this.onmessage === "function") this.onmessage(event);
  };

  /** Hand Material the results shown so far; the header counts every matching page. */
  SearchWorker.prototype.show = function () {
    var shown = this.shown;
    this.emit({type: RESULT, data: {items: shown.items, total: shown.found.results.length}});
    var meta = document.querySelector(".md-search-result__meta");
    var text = (siteConfig().translations || {})["search.result.other"];
    if (meta && text && shown.found.results.length > shown.items.length)
      meta.textContent = text.replace("#", shown.found.results.length);
  };

  /** The reader scrolled to the end of the results: load and show the next pages. */
  SearchWorker.prototype.more = function () {
    var self = this, shown = this.shown;
    if (!shown || this.loadingMore || shown.next >= shown.found.pages.length) return;
    this.loadingMore = true;
    var start = shown.next;
    groups(shown.found, start, MORE_PAGES).then(function (batch) {
      self.loadingMore = false;
      if (self.shown !== shown) return;
      var wrap = document.querySelector(".md-search__scrollwrap");
      var top = wrap ? wrap.scrollTop : 0;
      shown.items = shown.items.concat(batch.items);
      shown.next = batch.next;
      self.show();
      if (wrap) wrap.scrollTop = top;
    }, function () { self.loadingMore = false; });
  };



  SearchWorker.prototype.postMessage = function (message) {
    var self = this;
    if (!message) return;
    if (message.type === SETUP) {
      var wrap = document.querySelector(".md-search__scrollwrap");
      // the reader scrolls (or, when the results do not fill the box, turns the wheel) at the end
      var atEnd = function () {
        if (wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 40) self.more();
      };
      if (wrap) {
        wrap.addEventListener("scroll", atEnd, {passive: true});
        wrap.addEventListener("wheel", atEnd, {passive: true});
      }
      return setTimeout(function () { self.emit({type: READY}); });
    }
    if (message.type !== QUERY) return;
    var ticket = ++this.latest;
    var query = String(message.data || "");
    var answer = !query.trim() ? Promise.resolve(null) : load().then(function (pagefind) {
      return find(pagefind, query).then(function (found) {
        return listPages(pagefind, found);
      }).then(function (found) {
        return groups(found, 0, FIRST_PAGES).then(function (batch) {
          return {found: found, items: batch.items.concat(found.stubs), next: batch.next};
        });
      });
    });
    answer.then(function (result) {
      if (ticket !== self.latest) return;
      self.shown = result || {found: {results: [], pages: []}, items: [], next: 0};
      self.show();
    }, function (error) {
      if (ticket !== self.latest) return;
      self.shown = {found: {results: [], pages: []}, items: [], next: 0};
      self.show();
      if (window.console) console.error("search:", error);
    });
  };

  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      if (/\/workers\/search\.[^/]*\.js/.test(String(url))) return new SearchWorker();
      super(url, options);
    }
  };

  // Material requests its index with XMLHttpRequest: that one request is answered in the page
  // (no network, nothing for the Content-Security-Policy to allow) with an index without
  // documents. Material reads status and response, then waits for "load".
  var nativeOpen = XMLHttpRequest.prototype.open;
  var nativeSend = XMLHttpRequest.prototype.send;
  var INDEX_URL = /\/search\/search_index\.json(?:$|\?)/;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.kbSearchIndex = INDEX_URL.test(String(url));
    return nativeOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.kbSearchIndex) return nativeSend.apply(this, arguments);
    var stub = {config: {lang: [pageLanguage()], separator: SEPARATOR, pipeline: []}, docs: []};
    var body = new Blob([JSON.stringify(stub)], {type: "application/json"});
    Object.defineProperty(this, "status", {value: 200});
    Object.defineProperty(this, "response", {value: body});
    var request = this;
    setTimeout(function () { request.dispatchEvent(new ProgressEvent("load")); });
  };
})();
