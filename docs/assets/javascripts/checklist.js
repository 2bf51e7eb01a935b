/*
 * The scope table as a checklist: tick boxes, a progress line, folded reasons on a
 * phone, and row links that copy themselves for support staff.
 *
 * Ticks live only in this tab's sessionStorage (gone when the tab closes) and nothing
 * is sent anywhere: the page says so next to the progress line.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "bc-scopes-ticks";
  var NARROW = window.matchMedia("(max-width: 44.9375em)");

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

  function setUpChecklist(list) {
    var boxes = list.querySelectorAll("input[data-bc-tick]");
    var done = list.querySelector("[data-bc-done]");
    var ticks = readTicks();

    function update() {
      var count = 0;
      for (var i = 0; i < boxes.length; i += 1) {
        var row = boxes[i].closest("tr");
        if (boxes[i].checked) {
          count += 1;
        }
        if (row) {
          row.classList.toggle("bc-ticked", boxes[i].checked);
        }
      }
      if (done) {
        done.textContent = String(count);
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

  /* The live region that tells screen-reader users a row link was copied. */
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

  function setUpRowLinks() {
    var links = document.querySelectorAll("a.bc-row-link");
    for (var i = 0; i < links.length; i += 1) {
      links[i].addEventListener("click", function (event) {
        var link = event.currentTarget;
        var address = link.href;
        var name = link.closest("tr").querySelector(".bc-row-name").textContent;
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(address).then(function () {
            announcer().textContent = "Link to the " + name + " row copied.";
            link.classList.add("bc-copied");
            window.setTimeout(function () { link.classList.remove("bc-copied"); }, 2000);
          }, function () {
            announcer().textContent = "Link to the " + name + " row: " + address;
          });
        } else {
          announcer().textContent = "Link to the " + name + " row: " + address;
        }
      });
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
  setUpRowLinks();
})();
