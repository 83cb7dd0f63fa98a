/* Two languages, one toggle (see _ext/bilingual.py).
 * Runs synchronously in <head>: it sets <html data-lang="ko|en"> before the body is
 * rendered, so CSS hides the other language without a flash. A link may carry the
 * language (`?lang=ko`, `?lang=en`): it wins over the stored choice and is then kept.
 * The choice is kept in localStorage; a first visit follows the browser language.
 *
 * The theme's interface (tooltips, menus, "Skip to main content", the search page, the copy
 * button, Sphinx's search messages) is English in the HTML; in Korean mode the strings below
 * are shown in Korean, and an attribute written "한국어 · English" shows the reader's half.
 * Figures' alt texts ("한국어 · English", split at build time into data-alt-ko/-en) follow too.
 * A phone-width fix for the theme's sidebar drawers (pydata-sphinx-theme 0.17 binds its
 * drawer to the first ☰ in the page, a hidden one) forwards the visible buttons' clicks. */
(function () {
  "use strict";
  var KEY = "rnn-course-lang";
  var SEP = " \u00b7 ";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: this page only */ }
  }
  function fromUrl() {
    var m = /[?&]lang=(ko|en)(?:&|$)/.exec(window.location.search);
    return m ? m[1] : null;
  }
  function initial() {
    var lang = fromUrl();
    if (lang) { store(lang); return lang; }
    lang = stored();
    if (lang === "ko" || lang === "en") return lang;
    var nav = (navigator.language || "").toLowerCase();
    return nav.indexOf("ko") === 0 ? "ko" : "en";
  }

  /* ------------------------------------------------------------ interface strings */
  var KO = {
    "Skip to main content": "본문으로 건너뛰기",
    "Back to top": "맨 위로",
    "Toggle primary sidebar": "목차 열기/닫기",
    "Toggle secondary sidebar": "이 페이지의 목차 열기/닫기",
    "Site navigation": "사이트 탐색",
    "Section Navigation": "절 탐색",
    "Main": "본문",
    "Page": "페이지",
    "On this page": "이 페이지의 내용",
    "Contents": "목차",
    "Breadcrumb": "이동 경로",
    "Home": "처음",
    "Version warning": "버전 경고",
    "Announcement": "공지",
    "Search": "검색",
    "Search...": "검색…",
    "Search…": "검색…",
    "Search the docs ...": "검색…",
    "Search Results": "검색 결과",
    "Searching": "검색하는 중",
    "Preparing search...": "검색을 준비하는 중…",
    "Please activate JavaScript to enable the search functionality.":
      "검색하려면 자바스크립트를 켜 주세요.",
    "Color mode": "색 모드",
    "Light": "밝게",
    "Dark": "어둡게",
    "System Settings": "시스템 설정",
    "Fullscreen mode": "전체 화면",
    "Source repository": "소스 저장소",
    "Source repositories": "소스 저장소",
    "Open an issue": "이슈 열기",
    "Download this page": "이 페이지 내려받기",
    "Download source file": "소스 파일 내려받기",
    "Download notebook file": "노트북 파일 내려받기",
    "Print to PDF": "PDF로 인쇄",
    "Launch interactive content": "실행 환경에서 열기",
    "Launch Thebe": "Thebe로 실행",
    "Link to this heading": "이 제목으로 연결",
    "Link to this equation": "이 식으로 연결",
    "Link to this image": "이 그림으로 연결",
    "Link to this table": "이 표로 연결",
    "Link to this code": "이 코드로 연결",
    "Link to this definition": "이 정의로 연결",
    "previous": "이전",
    "next": "다음",
    "previous page": "이전 페이지",
    "next page": "다음 페이지",
    "Index": "색인",
    "General Index": "색인",
    "Copy": "복사",
    "Copy to clipboard": "클립보드에 복사",
    "Copied!": "복사했습니다!",
    "Failed to copy": "복사하지 못했습니다",
    "Toggle hidden content": "숨긴 내용 펼치기/접기",
    "By rnn-course": "rnn-course",
    "Show code cell source": "코드 펼치기",
    "Hide code cell source": "코드 접기",
    "Show code cell outputs": "출력 펼치기",
    "Hide code cell outputs": "출력 접기",
    "Show code cell content": "셀 펼치기",
    "Hide code cell content": "셀 접기"
  };
  KO["Your search did not match any documents. Please make sure that all words are spelled " +
     "correctly and that you've selected enough categories."] =
    "검색어에 맞는 문서가 없습니다. 철자를 확인해 주세요.";
  var KO_PATTERNS = [
    [/^Search finished, found (\d+) page\(s\) matching the search query\.$/,
     "검색을 마쳤습니다. 검색어에 맞는 페이지가 $1개 있습니다."],
    [/^Search finished, found one page matching the search query\.$/,
     "검색을 마쳤습니다. 검색어에 맞는 페이지가 1개 있습니다."],
    [/^Launch on (\w+)$/, "$1에서 실행"],
    [/^Search \(.*\)$/, "검색"]
  ];
  function korean(text) {
    var t = text.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(KO, t)) return text.replace(t, KO[t]);
    for (var i = 0; i < KO_PATTERNS.length; i++) {
      if (KO_PATTERNS[i][0].test(t)) return text.replace(t, t.replace(KO_PATTERNS[i][0], KO_PATTERNS[i][1]));
    }
    return null;
  }
  function half(text, lang) {   // "한국어 · English" -> the reader's half
    var at = text.indexOf(SEP);
    if (at < 0) return null;
    return lang === "ko" ? text.slice(0, at) : text.slice(at + SEP.length);
  }
  var ATTRS = ["title", "aria-label", "placeholder", "data-bs-original-title", "data-bs-title",
               "data-tooltip"];
  /* text nodes of the interface (never the article's own prose, code or outputs) */
  var UI = "#pst-skip-link, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, " +
           ".prev-next-area, .bd-footer, .bd-footer-article, .bd-footer-content, " +
           "#pst-search-dialog, dialog, .tooltip, details.hide > summary, .bd-search-container";
  var SKIP = "pre, code, .highlight, .cell_output, .math, .katex, script, style, " +
             "#search-results ul";
  var texts = new Map();   // text node -> its English original
  var attrs = new Map();   // element -> {attr: original}
  var busy = false;

  function original(el, name) {
    var saved = attrs.get(el);
    if (saved && Object.prototype.hasOwnProperty.call(saved, name)) return saved[name];
    return null;
  }
  function translateAttr(el, name, lang) {
    var value = el.getAttribute(name);
    if (value === null) return;
    var orig = original(el, name);
    if (orig === null || (value !== shownAttr(orig, "ko") && value !== shownAttr(orig, "en"))) {
      orig = value;   // new or changed by a script: remember the new original
      var saved = attrs.get(el) || {};
      saved[name] = orig;
      attrs.set(el, saved);
    }
    var want = shownAttr(orig, lang);
    if (want !== value) el.setAttribute(name, want);
  }
  function shownAttr(orig, lang) {
    var h = half(orig, lang);
    if (h !== null) return h;
    if (lang === "ko") { var k = korean(orig); if (k !== null) return k; }
    return orig;
  }
  function translateText(node, lang) {
    var value = node.nodeValue, orig = texts.get(node);
    if (orig === undefined || (value !== orig && value !== korean(orig))) {
      if (korean(value) === null) { texts.delete(node); return; }
      orig = value;
      texts.set(node, orig);
    }
    var want = lang === "ko" ? korean(orig) : orig;
    if (want !== value) node.nodeValue = want;
  }
  /* the elements translate() looks at: those with an attribute of ATTRS or an alt text per
   * language (a selector, so that a page of 40,000 elements, formulas mostly, is not walked
   * one element at a time on every load) */
  var WITH_ATTRS = ATTRS.map(function (a) { return "[" + a + "]"; }).concat(["img[data-alt-ko]",
                   "img[data-alt-en]"]).join(", ");
  function translate(scope, lang) {
    if (!scope || !scope.querySelectorAll) return;
    var els = [scope].concat(Array.prototype.slice.call(scope.querySelectorAll(WITH_ATTRS)));
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      for (var j = 0; j < ATTRS.length; j++) {
        if (el.hasAttribute && el.hasAttribute(ATTRS[j])) translateAttr(el, ATTRS[j], lang);
      }
      if (el.tagName === "IMG" && el.hasAttribute("data-alt-" + lang)) {
        el.setAttribute("alt", el.getAttribute("data-alt-" + lang));
      }
    }
    var regions = [];
    if (scope.matches && scope.matches(UI)) regions.push(scope);
    if (scope.closest && scope.parentElement && scope.parentElement.closest(UI)) regions.push(scope);
    regions = regions.concat(Array.prototype.slice.call(scope.querySelectorAll(UI)));
    for (var r = 0; r < regions.length; r++) {
      var walker = document.createTreeWalker(regions[r], NodeFilter.SHOW_TEXT);
      for (var n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.parentElement && n.parentElement.closest(SKIP)) continue;
        translateText(n, lang);
      }
    }
  }
  function translateAll(lang) {
    if (!document.body) return;
    busy = true;
    try {
      translate(document.body, lang);
      texts.forEach(function (orig, node) { if (node.isConnected) translateText(node, lang); });
    } finally { busy = false; }
  }
  /* search result titles "9.1 한국어 · English" (plain text in the index) */
  function splitResultTitles(scope) {
    var links = scope.querySelectorAll ? scope.querySelectorAll("#search-results li > a") : [];
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      if (a.querySelector(".lang-ko") || a.textContent.indexOf(SEP) < 0) continue;
      var text = a.textContent, at = text.indexOf(SEP);
      var ko = text.slice(0, at), en = text.slice(at + SEP.length);
      var m = /^\s*(\d+(?:\.\d+)*\.?\s+)/.exec(ko), num = m ? m[1] : "";
      a.textContent = num;
      var k = document.createElement("span"); k.className = "lang-ko"; k.textContent = ko.slice(num.length);
      var e = document.createElement("span"); e.className = "lang-en"; e.textContent = en;
      a.appendChild(k); a.appendChild(e);
    }
  }

  /* ------------------------------------------------------------ language */
  function setTitle(lang) {
    var meta = document.querySelector('meta[name="bilingual:title-' + lang + '"]');
    if (meta && meta.content) document.title = meta.content;
    var text = document.querySelector('meta[name="bilingual:description-' + lang + '"]');
    var description = document.querySelector('meta[name="description"]');
    if (text && description) description.content = text.content;
  }
  /* Each prose cell is a <template data-lang> in the HTML (_ext/bilingual.py), followed by
   * an inline d2lPick(): the reader's language goes into the page as the parser reaches
   * it, the other only when the reader switches to it (half the elements to lay out). */
  function showProse(lang) {
    var stashed = document.querySelectorAll('template.d2l-lang[data-lang="' + lang + '"]');
    for (var i = 0; i < stashed.length; i++) stashed[i].replaceWith(stashed[i].content);
  }
  window.d2lPick = function () {
    var t = document.currentScript && document.currentScript.previousElementSibling;
    if (t && t.tagName === "TEMPLATE" && t.getAttribute("data-lang") === root.getAttribute("data-lang")) {
      t.replaceWith(t.content);
    }
  };
  function apply(lang) {
    showProse(lang);
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    setTitle(lang);
    translateAll(lang);
  }
  function choose(lang) {
    store(lang);
    apply(lang);
    if (fromUrl()) {   // the address keeps showing the language now on screen
      var url = new URL(window.location.href);
      url.searchParams.set("lang", lang);
      try { window.history.replaceState(window.history.state, "", url.toString()); } catch (e) { /* file:// */ }
    }
  }

  apply(initial());
  window.rnnCourseLanguage = { get: function () { return root.getAttribute("data-lang"); }, set: choose };

  /* ------------------------------------------------------------ search */
  /* Snippets in the reader's language, without TeX source or code outputs: Sphinx builds
   * them from the text of the fetched page; drop what the reader would not see. */
  /* the particles and endings that _ext/bilingual.py strips from indexed Korean words */
  var PARTICLES = ("에서부터 으로부터 이라는 이라고 에서는 에서도 에게서 으로는 으로도 까지는 까지도 " +
    "부터는 했습니다 합니다 됩니다 입니다 이므로 이지만 에서 에게 으로 까지 부터 보다 처럼 마다 라는 " +
    "라고 이나 이며 이고 이다 에는 에도 와는 과는 만큼 조차 하는 하면 하고 하여 해서 하기 되는 된다 " +
    "한다 은 는 이 가 을 를 의 에 로 와 과 도 만").split(" ").sort(function (a, b) { return b.length - a.length; });
  function koreanStem(word) {
    if (!/[\uac00-\ud7a3]/.test(word)) return word;
    for (var i = 0; i < PARTICLES.length; i++) {
      var p = PARTICLES[i];
      if (word.length - p.length >= 2 && word.slice(-p.length) === p) return word.slice(0, -p.length);
    }
    return word;
  }
  function patchSearch() {
    if (typeof Search === "undefined" || Search.__bilingual) return;   // eslint-disable-line no-undef
    var S = Search;   // eslint-disable-line no-undef
    S.__bilingual = true;
    var perform = S.performSearch;
    S.performSearch = function (query) {
      return perform.call(S, String(query).split(/(\s+)/).map(koreanStem).join(""));
    };
    S.htmlToText = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      var lang = root.getAttribute("data-lang");
      doc.querySelectorAll('template.d2l-lang[data-lang="' + lang + '"]').forEach(function (t) {
        t.replaceWith(t.content);
      });
      var other = lang === "ko" ? ".lang-en" : ".lang-ko";
      var drop = [".headerlink", "script", "noscript", "style", other, ".lang-sep", ".math", "math",
                  ".cell_output", ".output", "details.hide > summary", "img",
                  ".cell_input", "pre"];   // code is not prose (and may hold both languages)
      drop.forEach(function (q) {
        doc.querySelectorAll(q).forEach(function (el) { el.remove(); });
      });
      if (other === ".lang-ko") {   // the glossary's Korean terms (shown in both languages)
        doc.querySelectorAll(".lang-both").forEach(function (el) {
          if (/[\uac00-\ud7a3]/.test(el.textContent)) el.remove();
        });
      }
      /* the article alone: the page header (download menu, title bar) is not the text */
      var main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
      var el = anchor && main ? (main.querySelector(anchor) || main) : main;
      if (!el) return "";
      /* a snippet that starts at the first keyword: collapse whitespace */
      return el.textContent.replace(/\s+/g, " ");
    };
  }

  /* ------------------------------------------------------------ sidebar drawers */
  /* pydata-sphinx-theme binds the drawer (and sphinx-book-theme the desktop collapse) to the
   * first .primary-toggle / .secondary-toggle in the page: the hidden navbar's. The visible
   * buttons in the article header forward their clicks to it. */
  function fixToggles() {
    ["primary", "secondary"].forEach(function (side) {
      var all = document.querySelectorAll("." + side + "-toggle");
      var bound = all[0];
      for (var i = 1; i < all.length; i++) {
        all[i].addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          bound.click();
        }, true);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var lang = root.getAttribute("data-lang");
    setTitle(lang);
    translateAll(lang);
    patchSearch();
    fixToggles();
    var buttons = document.querySelectorAll(".bilingual-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        choose(root.getAttribute("data-lang") === "ko" ? "en" : "ko");
      });
    }
    /* scripts add interface later (tooltips, copy buttons, search results): follow them */
    new MutationObserver(function (records) {
      if (busy) return;
      busy = true;
      try {
        var l = root.getAttribute("data-lang");
        records.forEach(function (rec) {
          if (rec.type === "attributes") {
            if (ATTRS.indexOf(rec.attributeName) >= 0) translateAttr(rec.target, rec.attributeName, l);
          } else if (rec.type === "characterData") {
            var p = rec.target.parentElement;
            if (p && p.closest(UI) && !p.closest(SKIP)) translateText(rec.target, l);
          } else {
            rec.addedNodes.forEach(function (node) {
              if (node.nodeType === 1) { splitResultTitles(node.parentElement || node); translate(node, l); }
              else if (node.nodeType === 3 && node.parentElement && node.parentElement.closest(UI) &&
                       !node.parentElement.closest(SKIP)) translateText(node, l);
            });
          }
        });
      } finally { busy = false; }
    }).observe(document.body, {subtree: true, childList: true, characterData: true,
                               attributes: true, attributeFilter: ATTRS});
  });
  window.addEventListener("load", function () { translateAll(root.getAttribute("data-lang")); });
  /* another tab changed the language: follow it */
  window.addEventListener("storage", function (e) {
    if (e.key === KEY && (e.newValue === "ko" || e.newValue === "en")) apply(e.newValue);
  });
})();
