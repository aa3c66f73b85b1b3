/* Small accessibility fixes to the theme's buttons, checked by tests/browser/test_site.py
   (axe-core rule label-content-name-mismatch, WCAG 2.5.3 "label in name"): a button's
   accessible name must contain the text it shows. */
(function () {
  "use strict";

  var squash = function (s) { return (s || "").replace(/\s+/g, " ").trim(); };

  // Search field button: it shows "Search Ctrl+K" but is labelled only "Search".
  // Label it with what it shows; the magnifier icon is decoration.
  function labelSearchButtons() {
    document.querySelectorAll(".search-button__button").forEach(function (btn) {
      var text = squash(btn.textContent);
      if (!text) return;  // the icon-only search button keeps aria-label="Search"
      btn.querySelectorAll("i, svg").forEach(function (i) { i.setAttribute("aria-hidden", "true"); });
      btn.setAttribute("aria-label", text);
    });
  }

  // Colour-mode button: it shows one icon, whose title ("Light", "Dark" or "System
  // Settings") counts as its visible text, but is labelled only "Color mode".
  // Name it after the mode it shows, e.g. "Color mode: Dark", and keep that current.
  function labelThemeButtons() {
    var mode = document.documentElement.dataset.mode || "auto";
    document.querySelectorAll(".theme-switch-button").forEach(function (btn) {
      var icon = btn.querySelector('.theme-switch[data-mode="' + mode + '"]');
      // Font Awesome's script may already have made the <i title> an <svg> with a <title>
      var title = icon && (icon.getAttribute("title") || (icon.querySelector("title") || {}).textContent);
      var shown = squash(title);
      btn.setAttribute("aria-label", shown ? "Color mode: " + shown : "Color mode");
    });
  }

  // Folded code cells (hide-input, as in the labs): the toggle shows "Show code cell
  // source" but is labelled "Toggle hidden content". Label it with what it shows.
  function labelToggles() {
    document.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach(function (s) {
      var text = squash(s.textContent);
      if (text) s.setAttribute("aria-label", text);
    });
  }

  function init() {
    labelToggles();
    labelSearchButtons();
    labelThemeButtons();
    new MutationObserver(labelThemeButtons).observe(document.documentElement,
      {attributes: true, attributeFilter: ["data-mode"]});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
