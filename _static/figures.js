/* Figures narrower than they were drawn (on a phone, most of them): tap or click one, or
 * focus it and press Enter or Space, to see it at its natural size, scrolling sideways inside
 * its own box (the page itself never scrolls sideways); do it again to fit it to the column.
 * The figures are SVG, so both sizes are sharp. On a touch screen a line under the first such
 * figure the reader meets says so (there is no tooltip to hover). Styles: _static/figures.css. */
(function () {
  "use strict";
  var HINT = {
    ko: { open: "그림을 누르면 원래 크기로 볼 수 있습니다", close: "그림을 다시 누르면 본문 폭에 맞춰 볼 수 있습니다" },
    en: { open: "Tap the figure to see it at full size", close: "Tap the figure to fit it to the column" }
  };
  var SELECTOR = "article .cell_output img";

  function lang() {
    return document.documentElement.getAttribute("data-lang") === "en" ? "en" : "ko";
  }
  function zoomed(img) { return img.classList.contains("d2l-zoomed"); }
  function label(img) {
    var text = HINT[lang()][zoomed(img) ? "close" : "open"];
    img.setAttribute("title", text);
    img.setAttribute("aria-expanded", zoomed(img) ? "true" : "false");
  }
  function toggle(img) {
    var on = img.classList.toggle("d2l-zoomed");
    img.parentElement.classList.toggle("d2l-zoom-box", on);   // scrolls inside, not the page
    label(img);
  }
  function hint() {   // a touch screen has no tooltip: say it once, under the first figure
    if (document.querySelector(".d2l-zoom-hint") ||
        !window.matchMedia("(hover: none)").matches) return;
    var first = document.querySelector("img.d2l-zoomable");
    if (!first) return;
    var p = document.createElement("p");
    p.className = "d2l-zoom-hint";
    p.innerHTML = '<span class="lang-ko">' + HINT.ko.open + '</span>' +
                  '<span class="lang-en">' + HINT.en.open + '</span>';
    first.parentElement.insertAdjacentElement("afterend", p);
  }
  function mark(img, shown) {   // shown: its width on screen now
    if (!img.naturalWidth || zoomed(img) || !(shown > 0)) return;
    img.setAttribute("data-measured", "");
    var small = img.naturalWidth > shown * 1.1;
    img.classList.toggle("d2l-zoomable", small);
    if (small) {
      img.setAttribute("tabindex", "0");
      img.setAttribute("role", "button");
      label(img);
    } else {
      ["tabindex", "role", "title", "aria-expanded"].forEach(function (a) { img.removeAttribute(a); });
    }
  }
  /* A figure is measured when it comes on screen, from the size the observer reports: no
   * script reads the layout of the whole page (on a long chapter that alone took seconds
   * of a phone's time, and long_pages.css leaves what is off screen unlaid). */
  var seen = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) mark(e.target, e.boundingClientRect.width); });
    hint();
  }) : null;
  function watch(img) {
    if (seen) { seen.unobserve(img); seen.observe(img); }   // observe anew: measured again
    else { mark(img, img.getBoundingClientRect().width); hint(); }
  }
  function refresh() { document.querySelectorAll(SELECTOR).forEach(watch); }

  document.addEventListener("click", function (event) {
    var img = event.target.closest && event.target.closest("img.d2l-zoomable");
    if (img) toggle(img);
  });
  document.addEventListener("keydown", function (event) {
    var img = event.target;
    if ((event.key === "Enter" || event.key === " ") && img.classList &&
        img.classList.contains("d2l-zoomable")) {
      event.preventDefault();
      toggle(img);
    }
  });
  document.addEventListener("mouseover", function (event) {   // the hint follows the language
    if (event.target.classList && event.target.classList.contains("d2l-zoomable")) label(event.target);
  });
  window.addEventListener("load", refresh);
  window.addEventListener("resize", refresh);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(SELECTOR).forEach(function (img) {
      img.addEventListener("load", function () { watch(img); });   // a frame swapped in
    });
    refresh();
  });
})();
