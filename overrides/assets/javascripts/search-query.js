/*
 * search-query.js - loaded right before Material's bundle (overrides/main.html).
 *
 * WHY this file exists: Material's built-in search runs lunr in a Web Worker, and on this
 * bilingual site it gets two things wrong that no mkdocs.yml setting can change:
 *
 *  1. mkdocs-static-i18n writes ONE search index for both languages (English pages under
 *     "en/"), so an English reader would get Chinese results and a Chinese reader English ones.
 *  2. lunr reads a leading "-" as "must not contain": `--memory-swap` finds nothing at all and
 *     `-d` matches almost every page. Readers search for flags all the time.
 *  3. Material's own Chinese query segmenter never tries a word that ends the query, so
 *     "交换分区" is searched as "交换" alone and "暂停容器" as "暂停" alone.
 *
 * All three are fixed at the one place where the page talks to the worker: window.Worker is
 * wrapped so that the search worker's SETUP message only carries the documents of the page's
 * language, and each QUERY is rewritten: flags become required lunr terms, Chinese runs are
 * cut into the words of the index (jieba segmented the pages at build time).
 * The message types are Material's internal protocol (SearchMessageType in the bundle:
 * SETUP = 0, READY = 1, QUERY = 2, RESULT = 3). tests/test_search_browser.py checks the effect
 * of both edits in a real browser, so a Material upgrade that changes the protocol fails CI.
 */
(function () {
  "use strict";

  var NativeWorker = window.Worker;
  if (typeof NativeWorker !== "function") return;

  var SETUP = 0;
  var QUERY = 2;

  // lunr's English stop words (lunr.stopWordFilter in lunr 2.3.9, kept in the search pipeline by
  // mkdocs.yml). They are never indexed, and a REQUIRED clause for one of them empties the whole
  // result, so they are dropped from rewritten queries (`--restart on-failure` keeps "failure").
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

  var FLAG = /^--?[a-z0-9]/i;                     // -d, --memory-swap, --network=none
  var HYPHENATED = /^[a-z0-9]+(?:-[a-z0-9]+)+$/i;  // memory-swap, on-failure

  // Chinese words of the index (the jieba words between U+200B separators), learnt from SETUP.
  var chineseWords = new Set();
  var HAN_RUN = /\p{sc=Han}+/gu;
  var LONGEST_WORD = 8;

  /** Keep only the documents of this page's language: English lives under "en/". */
  function docsOfPageLanguage(docs) {
    var english = document.documentElement.lang.split("-")[0] === "en";
    return docs.filter(function (doc) {
      return (doc.location.slice(0, 3) === "en/") === english;
    });
  }

  /** Remember every Chinese word of the documents, to cut Chinese queries the same way. */
  function learnChineseWords(docs) {
    docs.forEach(function (doc) {
      (doc.title + " " + doc.text).split(separator).forEach(function (word) {
        if (word.length > 1 && word.length <= LONGEST_WORD && /^\p{sc=Han}+$/u.test(word))
          chineseWords.add(word);
      });
    });
  }

  /**
   * "交换分区" -> "交换 分区": longest known word first, unknown characters stay single; a run
   * with no known word at all is left to Material unchanged.
   */
  function cutChineseRun(run) {
    var words = [];
    for (var start = 0, end; start < run.length; start = end) {
      end = Math.min(run.length, start + LONGEST_WORD);
      while (end > start + 1 && !chineseWords.has(run.slice(start, end))) end--;
      words.push(run.slice(start, end));
    }
    return words.length < run.length ? words.join(" ") : run;
  }

  /**
   * "--memory-swap" -> "+memory +swap*"; "--network none" -> "+network +none*"; "-d" -> "+d".
   * Only queries that contain a flag-like word are touched. In them every ASCII word becomes
   * required terms split like the index; Chinese words and words already using lunr syntax
   * (+ * ~ ^) are left for Material. The last term keeps a trailing "*" (if 3+ characters) so
   * results still show while the reader is typing.
   */
  function rewriteQuery(query) {
    query = query.replace(HAN_RUN, cutChineseRun);
    var words = query.trim().split(/\s+/);
    var hasFlag = words.some(function (word) {
      return FLAG.test(word) || HYPHENATED.test(word);
    });
    if (!hasFlag) return query;

    var terms = [];
    words.forEach(function (word) {
      if (/[^\x00-\x7f]|[+*~^]/.test(word)) {
        terms.push(word);
        return;
      }
      word.split(separator).forEach(function (part) {
        part = part.toLowerCase();
        if (part && !STOP_WORDS.has(part)) terms.push("+" + part);
      });
    });
    var last = terms[terms.length - 1];
    if (last && last.charAt(0) === "+" && last.length > 3) terms[terms.length - 1] = last + "*";
    return terms.join(" ");
  }

  /** Return the message to send instead of `message` (unknown messages pass unchanged). */
  function editMessage(message) {
    if (!message || typeof message !== "object") return message;
    if (message.type === SETUP && message.data && Array.isArray(message.data.docs)) {
      if (message.data.config && message.data.config.separator)
        separator = new RegExp(message.data.config.separator);
      var docs = docsOfPageLanguage(message.data.docs);
      learnChineseWords(docs);
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
