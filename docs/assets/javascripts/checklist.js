/*
 * The scope table as a checklist: tick boxes on every row (None rows too), a sticky
 * progress line that says what to do after the last tick, folded reasons on a phone,
 * a filtered view (?confirm=row-id,row-id) for the rows the checker's report asks to
 * confirm by eye, and copy-link controls that say "Link copied".
 *
 * Ticks live only in this tab's sessionStorage (gone when the tab closes) and nothing
 * is sent anywhere.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "bc-scopes-ticks";
  var NARROW = window.matchMedia("(max-width: 44.9375em)");
  var TOAST_MS = 2000;

  function readTicks() {
    try {
      return JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function writeTicks(ticks) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(ticks));
    } catch (error) {
      /* Storage may be off (private mode): the ticks then last until the page reloads. */
    }
  }

  /* ?confirm=checkout-content,customers-login: the rows to look at, by id or alias. */
  function confirmRows(list) {
    var wanted = new URLSearchParams(window.location.search).get("confirm");
    var rows = [];
    if (!wanted) {
      return rows;
    }
    var ids = wanted.split(",");
    for (var i = 0; i < ids.length; i += 1) {
      var anchor = document.getElementById("scope-" + ids[i].trim());
      var row = anchor && anchor.classList.contains("bc-anchor") ? anchor.closest("tr") : null;
      if (row && list.contains(row) && rows.indexOf(row) < 0) {
        rows.push(row);
      }
    }
    return rows;
  }

  function applyFilter(list, rows) {
    var all = list.querySelectorAll("tbody tr");
    for (var i = 0; i < all.length; i += 1) {
      all[i].hidden = rows.indexOf(all[i]) < 0;
    }
    var tables = list.querySelectorAll("table[data-bc-table]");
    for (var t = 0; t < tables.length; t += 1) {
      var empty = tables[t].querySelector("tbody tr:not([hidden])") === null;
      var box = tables[t].closest(".md-typeset__table") || tables[t];
      if (empty) {
        box.setAttribute("data-bc-filter-hidden", "");
        var heading = box.previousElementSibling;
        if (heading && heading.classList.contains("bc-none-heading")) {
          heading.setAttribute("data-bc-filter-hidden", "");
        }
      }
    }
    var note = list.querySelector("[data-bc-confirm-note]");
    if (note) {
      var names = rows.map(function (row) {
        return row.querySelector(".bc-row-name").textContent;
      });
      note.textContent = "Only the " + (rows.length === 1 ? "row" : rows.length + " rows")
        + " to confirm by eye: " + names.join(", ") + ". Open the API account in the "
        + "control panel and check each level. ";
      var all_rows = document.createElement("a");
      all_rows.href = window.location.pathname;
      all_rows.textContent = "Show every row";
      note.appendChild(all_rows);
      note.hidden = false;
    }
    /* The drawn form: the rows to confirm stand out, the others fade. */
    var ids = rows.map(function (row) { return row.getAttribute("data-row-id"); });
    var drawn = document.querySelectorAll('[data-bc-figure="scope-form"] [data-row-id]');
    for (var d = 0; d < drawn.length; d += 1) {
      var keep = ids.indexOf(drawn[d].getAttribute("data-row-id")) >= 0;
      drawn[d].classList.toggle("bc-fig-dim", !keep);
      drawn[d].classList.toggle("bc-fig-picked", keep);
    }
    list.setAttribute("data-bc-mode", "confirm");
  }

  function setUpChecklist(list) {
    var picked = confirmRows(list);
    if (picked.length) {
      applyFilter(list, picked);
    }
    var mode = picked.length ? "confirm" : "all";
    var boxes = list.querySelectorAll("input[data-bc-tick]");
    var done = list.querySelector("[data-bc-done]");
    var count = list.querySelector("[data-bc-count]");
    var notes = list.querySelectorAll("[data-bc-complete]");
    var ticks = readTicks();

    function update() {
      var ticked = 0;
      var shown = 0;
      for (var i = 0; i < boxes.length; i += 1) {
        var row = boxes[i].closest("tr");
        if (row) {
          row.classList.toggle("bc-ticked", boxes[i].checked);
          if (row.hidden) {
            continue;
          }
        }
        shown += 1;
        if (boxes[i].checked) {
          ticked += 1;
        }
      }
      if (done) {
        done.textContent = String(ticked);
      }
      if (count) {
        count.textContent = String(shown);
      }
      for (var n = 0; n < notes.length; n += 1) {
        notes[n].hidden = !(shown > 0 && ticked === shown
                            && notes[n].getAttribute("data-bc-complete") === mode);
      }
    }

    for (var i = 0; i < boxes.length; i += 1) {
      boxes[i].checked = ticks[boxes[i].getAttribute("data-bc-tick")] === true;
      boxes[i].addEventListener("change", function (event) {
        var current = readTicks();
        current[event.target.getAttribute("data-bc-tick")] = event.target.checked;
        writeTicks(current);
        update();
      });
    }
    update();
  }

  /* The row a link points at (#scope-...), if any. */
  function targetRow() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var anchor = id ? document.getElementById(id) : null;
    return anchor && anchor.classList.contains("bc-anchor") ? anchor.closest("tr") : null;
  }

  /* On a phone the reasons fold away, except on the row a link was opened at: whoever
     sent the link (support staff) usually wants its reason read. */
  function foldReasons() {
    var folds = document.querySelectorAll("details.bc-why-fold");
    var target = targetRow();
    for (var i = 0; i < folds.length; i += 1) {
      folds[i].open = !NARROW.matches || (target !== null && target.contains(folds[i]));
      folds[i].setAttribute("data-bc-folded", "");
    }
  }

  function openTargetReason() {
    var target = targetRow();
    var fold = target ? target.querySelector("details.bc-why-fold") : null;
    if (fold) {
      fold.open = true;
    }
  }

  /* The row a link points at is highlighted (guide.css, .bc-targeted). A class set
     here rather than a `tr:has(:target)` rule, which doubles a phone's style work. */
  function markTargetRow() {
    var marked = document.querySelectorAll("tr.bc-targeted");
    var target = targetRow();
    for (var i = 0; i < marked.length; i += 1) {
      if (marked[i] !== target) {
        marked[i].classList.remove("bc-targeted");
      }
    }
    if (target) {
      target.classList.add("bc-targeted");
    }
  }

  /* The live region that tells screen-reader users a link was copied. */
  function announcer() {
    var region = document.getElementById("bc-announce");
    if (!region) {
      region = document.createElement("div");
      region.id = "bc-announce";
      region.className = "bc-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  /* "Link copied", on screen for two seconds (the live region above speaks it). */
  var toastTimer = null;
  function toast(text) {
    var box = document.getElementById("bc-toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "bc-toast";
      box.className = "bc-toast";
      box.setAttribute("aria-hidden", "true");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { box.hidden = true; }, TOAST_MS);
  }

  function copyLink(address, what, link) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(address).then(function () {
        announcer().textContent = "Link to " + what + " copied.";
        toast("Link copied");
        link.classList.add("bc-copied");
        window.setTimeout(function () { link.classList.remove("bc-copied"); }, TOAST_MS);
      }, function () {
        announcer().textContent = "Link to " + what + ": " + address;
      });
    } else {
      announcer().textContent = "Link to " + what + ": " + address;
    }
  }

  function setUpCopyLinks() {
    var rowLinks = document.querySelectorAll("a.bc-row-link");
    for (var i = 0; i < rowLinks.length; i += 1) {
      rowLinks[i].addEventListener("click", function (event) {
        var link = event.currentTarget;
        var name = link.closest("tr").querySelector(".bc-row-name").textContent;
        copyLink(link.href, "the " + name + " row", link);
      });
    }
    /* Material's heading links (the mark after each heading) copy the section's
       address too; the page still jumps to the heading as before. */
    var headingLinks = document.querySelectorAll(".md-typeset a.headerlink");
    for (var h = 0; h < headingLinks.length; h += 1) {
      headingLinks[h].addEventListener("click", function (event) {
        var link = event.currentTarget;
        var heading = link.parentElement;
        var title = heading.textContent.replace(link.textContent, "").trim();
        copyLink(link.href, "\u201c" + title + "\u201d", link);
      });
    }
  }

  /* The verify page's sample report: say so when its lines are wider than the box. */
  function markWideSamples() {
    var samples = document.querySelectorAll(".bc-sample-output");
    for (var i = 0; i < samples.length; i += 1) {
      var code = samples[i].querySelector("pre > code");
      var wide = code !== null && code.scrollWidth > code.clientWidth + 1;
      samples[i].toggleAttribute("data-bc-overflow", wide);
    }
  }

  var lists = document.querySelectorAll("[data-bc-checklist]");
  for (var i = 0; i < lists.length; i += 1) {
    setUpChecklist(lists[i]);
  }
  markTargetRow();
  foldReasons();
  if (NARROW.addEventListener) {
    NARROW.addEventListener("change", foldReasons);
  }
  window.addEventListener("hashchange", function () {
    markTargetRow();
    openTargetReason();
  });
  setUpCopyLinks();
  markWideSamples();
  window.addEventListener("resize", markWideSamples);
})();
