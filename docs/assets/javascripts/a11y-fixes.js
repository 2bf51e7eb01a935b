/*
 * Accessibility fixes for markup that Material for MkDocs 9.8 creates in the browser,
 * where a template override cannot reach it.
 *
 * Material puts each code block's copy button in an unlabelled <nav>. On a page with
 * two code blocks that makes two navigation landmarks with the same (empty) name,
 * which screen-reader users cannot tell apart (axe rule landmark-unique). Each one is
 * given its own name here, as soon as Material adds it.
 */
(function () {
  "use strict";

  function labelCodeNavs() {
    var navs = document.querySelectorAll(".md-code__nav");
    for (var i = 0; i < navs.length; i += 1) {
      var label = "Code block " + (i + 1) + " actions";
      if (navs[i].getAttribute("aria-label") !== label) {
        navs[i].setAttribute("aria-label", label);
      }
    }
  }

  labelCodeNavs();
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i += 1) {
      if (records[i].addedNodes.length > 0) {
        labelCodeNavs();
        return;
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
