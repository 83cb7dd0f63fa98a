/* Two languages, one toggle (see _ext/bilingual.py).
 * Runs synchronously in <head>: it sets <html data-lang="ko|en"> before the body is
 * rendered, so CSS hides the other language without a flash. The choice is kept in
 * localStorage; a first visit follows the browser language. */
(function () {
  "use strict";
  var KEY = "rnn-course-lang";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function initial() {
    var lang = stored();
    if (lang === "ko" || lang === "en") return lang;
    var nav = (navigator.language || "").toLowerCase();
    return nav.indexOf("ko") === 0 ? "ko" : "en";
  }
  function setTitle(lang) {
    var meta = document.querySelector('meta[name="bilingual:title-' + lang + '"]');
    if (meta && meta.content) document.title = meta.content;
  }
  function apply(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang);
    setTitle(lang);
  }
  function choose(lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: this page only */ }
    apply(lang);
  }

  apply(initial());
  window.rnnCourseLanguage = { get: function () { return root.getAttribute("data-lang"); }, set: choose };

  document.addEventListener("DOMContentLoaded", function () {
    setTitle(root.getAttribute("data-lang"));
    var buttons = document.querySelectorAll(".bilingual-toggle");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        choose(root.getAttribute("data-lang") === "ko" ? "en" : "ko");
      });
    }
  });
  /* another tab changed the language: follow it */
  window.addEventListener("storage", function (e) {
    if (e.key === KEY && (e.newValue === "ko" || e.newValue === "en")) apply(e.newValue);
  });
})();
