/*
 * search-query.js - loaded right before Material's bundle (overrides/main.html).
 *
 * WHY this file exists: Material's built-in search runs lunr in a Web Worker, and on this
 * bilingual site it gets three things wrong that no mkdocs.yml setting can change:
 *
 *  1. mkdocs-static-i18n writes ONE search index for both languages (English pages under
 *     "en/"), so an English reader would get Chinese results and a Chinese reader English ones.
 *  2. lunr reads a leading "-" as "must not contain": `--memory-swap` finds nothing at all and
 *     `-d` matches almost every page. Readers search for flags all the time. Short flags that
 *     are English stop words (`-i`, `-it`) are not even in the index: they are searched by
 *     their long names, learnt from the flag tables.
 *  3. Material's own Chinese query segmenter never tries the whole of what it cuts, so it
 *     searches "交换分区" as "交换" alone and "进程" as "进" (a word of its own in the index).
 *
 * All three are fixed at the one place where the page talks to the worker: window.Worker is
 * wrapped so that the search worker's SETUP message only carries the documents of the page's
 * language, and each QUERY is rewritten: flags become required lunr terms, Chinese runs are
 * cut into the words of the index (jieba segmented the pages at build time).
 * The message types are Material's internal protocol (SearchMessageType in the bundle:
 * SETUP = 0, READY = 1, QUERY = 2, RESULT = 3). tests/test_search_browser.py checks the effect
 * of these edits in a real browser, so a Material upgrade that changes the protocol fails CI.
 */
(function () {
  "use strict";

  var NativeWorker = window.Worker;
  if (typeof NativeWorker !== "function") return;

  var SETUP = 0;
  var QUERY = 2;

  // lunr's English stop words (lunr.stopWordFilter in lunr 2.3.9). Dropped from plain queries
  // (see rewriteQuery). If the site's search pipeline has stopWordFilter, they are not indexed
  // either, and a REQUIRED clause for one empties the whole result: then they are also dropped
  // from flag queries (`--restart on-failure` keeps "failure", `-it` finds nothing).
  var STOP_WORDS = new Set((
    "a able about across after all almost also am among an and any are as at be because been " +
    "but by can cannot could dear did do does either else ever every for from get got had has " +
    "have he her hers him his how however i if in into is it its just least let like likely may " +
    "me might most must my neither no nor not of off often on only or other our own rather said " +
    "say says she should since so some than that the their them then there these they this tis " +
    "to too twas us wants was we were what when where which while who whom why will with would " +
    "yet you your").split(" "));

  // Split words the way the index was split (the site's search separator, read from SETUP);
  // the fallback only matters if a query somehow arrives before the index.
  var separator = /[\s\-=]+/;
  var stopWordsIndexed = false;

  var FLAG = /^--?[a-z0-9]/i;                     // -d, --memory-swap, --network=none
  var HYPHENATED = /^[a-z0-9]+(?:-[a-z0-9]+)+$/i;  // memory-swap, on-failure

  // Every word of the index (Chinese ones are jieba's words between U+200B separators),
  // learnt from SETUP: to cut Chinese queries like the index, and to tell a finished word.
  var indexWords = new Set();

  // Long names of short flags ("-i" -> interactive, input), learnt from the flag tables' text
  // ("-i, --interactive") in SETUP. Used only for a short flag whose own letters are all stop
  // words and therefore not in the index: "-i", "-it", "-a".
  var longNames = new Map();
  var flagTables = [];     // per section: Map(letter -> long name) of the pairs it lists
  var SHORT_LONG = /(?:^|[\s(,>])-([a-z0-9])(?:<\/code>)?, (?:<code>)?--([a-z0-9][a-z0-9-]*)/gi;
  var HAN_RUN = /\p{sc=Han}+/gu;
  var LONGEST_WORD = 8;

  /** Keep only the documents of this page's language: English lives under "en/". */
  function docsOfPageLanguage(docs) {
    var english = document.documentElement.lang.split("-")[0] === "en";
    return docs.filter(function (doc) {
      return (doc.location.slice(0, 3) === "en/") === english;
    });
  }

  /** Remember the words of this language's documents, split like the index splits them. */
  function learnIndexWords(docs) {
    docs.forEach(function (doc) {
      (doc.title + " " + doc.text).split(separator).forEach(function (word) {
        indexWords.add(word.toLowerCase());
      });
      var pair, table = new Map();
      SHORT_LONG.lastIndex = 0;
      while ((pair = SHORT_LONG.exec(doc.text)) !== null) {
        var letter = pair[1].toLowerCase();
        if (!longNames.has(letter)) longNames.set(letter, new Set());
        longNames.get(letter).add(pair[2].toLowerCase());
        table.set(letter, pair[2].toLowerCase());
      }
      if (table.size) flagTables.push(table);
    });
  }

  /**
   * "交换分区" -> "交\换 分\区": the longest known word first; characters that start no known
   * word stay together. Each word is written with lunr's escape ("\") between its characters:
   * Material's segmenter then only sees single characters, which it leaves alone, and lunr's
   * query parser drops the escapes, so the index is searched for exactly "交换" and "分区".
   * Spaces around the run separate it from Latin letters, as jieba does ("OOM杀死").
   */
  function cutChineseRun(run) {
    var words = [];
    var unknown = "";
    for (var start = 0, end; start < run.length; start = end) {
      end = Math.min(run.length, start + LONGEST_WORD);
      while (end > start + 1 && !indexWords.has(run.slice(start, end))) end--;
      var word = run.slice(start, end);
      if (indexWords.has(word)) {
        if (unknown) words.push(unknown);
        words.push(word);
        unknown = "";
      } else {
        unknown += word;
      }
    }
    if (unknown) words.push(unknown);
    return " " + words.map(function (w) { return Array.from(w).join("\\"); }).join(" ") + " ";
  }

  /**
   * Flag queries: "--memory-swap" -> "+memory +swap"; "--network none" -> "+network +none";
   * "-d" -> "+d". When a query holds a flag-like word, every ASCII word becomes required terms
   * split like the index; words already using lunr syntax (+ * ~ ^) and Chinese stay as they
   * are. The last term gets a trailing "*" only while it is not yet a whole word of the index:
   * results show while a flag is being typed, yet `--memory-swap` does not match "swappiness".
   * Other queries only lose their stop words: Material adds "*" to every term, which skips
   * lunr's stop-word filter, so "pause a container" would rank pages by "a*" ("architecture").
   */
  function rewriteQuery(query) {
    var words = query.replace(HAN_RUN, cutChineseRun).trim().split(/\s+/);
    var plain = function (word) { return !/[^\x00-\x7f]|[+*~^]/.test(word); };
    var hasFlag = words.some(function (word) {
      return plain(word) && (FLAG.test(word) || HYPHENATED.test(word));
    });
    if (!hasFlag) {
      var kept = words.filter(function (word) {
        return !(plain(word) && STOP_WORDS.has(word.toLowerCase()));
      });
      return (kept.length ? kept : words).join(" ");
    }

    var terms = [];
    var indexed = function (part) { return part && (stopWordsIndexed || !STOP_WORDS.has(part)); };
    words.forEach(function (word) {
      if (!plain(word)) return terms.push(word);
      // Short flags the index cannot find as they are: a stop word ("-i", "-it") or a cluster
      // that is no word ("-itd"). They are searched by their long names.
      var letters = /^-[a-z0-9]+$/i.test(word) ? word.slice(1).toLowerCase() : "";
      if (letters && (!indexed(letters) || (letters.length > 1 && !indexWords.has(letters))))
        return terms.push.apply(terms, longNameTerms(letters));
      var parts = word.toLowerCase().split(separator).filter(indexed);
      parts.forEach(function (part) { terms.push("+" + part); });
    });
    var last = terms[terms.length - 1];
    if (last && last.charAt(0) === "+" && !indexWords.has(last.slice(1)))
      terms[terms.length - 1] = last + "*";
    return terms.join(" ");
  }

  /**
   * "-it" -> "interactive input t tty tag time …": each letter by its long names, plus the letter
   * itself where the index has it (a heading like "`-i`, `-t`" then ranks first). A letter with
   * one long name makes it required; a letter with several (-t is --tty, --time, --tag …) adds
   * them as optional terms, which rank the sections that have more of them first.
   */
  function longNameTerms(letters) {
    var terms = [];
    var chars = Array.from(letters);
    // A cluster ("-it") means flags of ONE command: only long names from the flag tables that
    // list every letter of it count (-i/-t of run and exec, not -t --tag of build).
    var together = chars.length < 2 ? [] : flagTables.filter(function (table) {
      return chars.every(function (letter) { return table.has(letter); });
    });
    chars.forEach(function (letter) {
      var names = together.length
        ? Array.from(new Set(together.map(function (table) { return table.get(letter); })))
        : Array.from(longNames.get(letter) || []);
      if (stopWordsIndexed || !STOP_WORDS.has(letter)) terms.push(letter);
      names.forEach(function (name) {
        name.split(separator).forEach(function (part) {
          if (part && (stopWordsIndexed || !STOP_WORDS.has(part)))
            terms.push((names.length === 1 ? "+" : "") + part);
        });
      });
    });
    return terms;
  }

  /** Return the message to send instead of `message` (unknown messages pass unchanged). */
  function editMessage(message) {
    if (!message || typeof message !== "object") return message;
    if (message.type === SETUP && message.data && Array.isArray(message.data.docs)) {
      var config = message.data.config || {};
      if (config.separator) separator = new RegExp(config.separator);
      stopWordsIndexed = (config.pipeline || []).indexOf("stopWordFilter") < 0;
      var docs = docsOfPageLanguage(message.data.docs);
      learnIndexWords(docs);
      var data = Object.assign({}, message.data, {docs: docs});
      return Object.assign({}, message, {data: data});
    }
    if (message.type === QUERY && typeof message.data === "string")
      return Object.assign({}, message, {data: rewriteQuery(message.data)});
    return message;
  }

  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      this.isSearchWorker = /\/workers\/search\.[^/]*\.js/.test(String(url));
    }

    postMessage(message) {
      var args = Array.prototype.slice.call(arguments);
      if (this.isSearchWorker) args[0] = editMessage(message);
      return super.postMessage.apply(this, args);
    }
  };
})();
