/*
 * Store-hash finder: pulls the BigCommerce Store Hash out of what a merchant pastes
 * (the API path, a store-xxxx.mybigcommerce.com address, or the bare hash) or says
 * plainly what is wrong with it.
 *
 * Everything happens in this page. Nothing is sent over the network and nothing is
 * stored: no fetch, no cookies, no localStorage. The script is loaded on every page but
 * only acts where the finder's markup ([data-bc-store-hash-finder]) is present.
 */
(function () {
  "use strict";

  var MAX_INPUT_LENGTH = 2048;
  /* The checker's limit (MAX_STORE_HASH_LENGTH in bc_scopes/checker/storehash.py). Store
   * Hashes seen in the wild are up to about ten characters; a Client ID or an Access Token,
   * which sit next to the API path in the credentials file, is about thirty. */
  var MAX_HASH_LENGTH = 16;
  var HASH_PATTERN = /^[a-z0-9]+$/;
  var API_PATH_EXAMPLE = "https://api.bigcommerce.com/stores/abcde/v3/";

  function ok(hash, note) {
    return { ok: true, hash: hash, message: note || "" };
  }

  function problem(message) {
    return { ok: false, hash: "", message: message };
  }

  /* Check a candidate hash and explain the first thing wrong with it. The rules match
   * the checker's (bc_scopes/storehash.py), so both accept and refuse the same input. */
  var PLACEHOLDER_HASHES = ["abc123"];

  function checkHash(candidate, where, allowPrefix) {
    if (candidate === "") {
      return problem("The " + where + " is empty. Copy the whole API path, for example " +
        API_PATH_EXAMPLE);
    }
    if (allowPrefix && /^store-./.test(candidate)) {
      var inner = checkHash(candidate.slice("store-".length), where, false);
      if (inner.ok) {
        inner.message = "The store- prefix is not part of the Store Hash, so it was left out. " +
          inner.message;
      }
      return inner;
    }
    if (candidate.length > MAX_HASH_LENGTH) {
      /* Most likely a credential pasted into the wrong field: say so, and never show it. */
      return problem((where === "Store Hash" ? "That" : "The " + where) + " is " +
        candidate.length + " characters long, so it looks like a Client ID or Access Token, " +
        "not a Store Hash. A Store Hash is short, about 10 lowercase letters and digits: it " +
        "is the part of the API path between /stores/ and /v3/, such as abcde in " +
        API_PATH_EXAMPLE);
    }
    if (!HASH_PATTERN.test(candidate.toLowerCase())) {
      return problem("The " + where + " contains characters a Store Hash never has. A Store " +
        "Hash is only lowercase letters and digits, such as abcde.");
    }
    if (PLACEHOLDER_HASHES.indexOf(candidate.toLowerCase()) !== -1) {
      /* The checker refuses it too (bc_scopes/checker/storehash.py, PLACEHOLDER_HASHES). */
      return problem(candidate.toLowerCase() + " is this guide's example Store Hash. Use " +
        "your own: the part of your API path between /stores/ and /v3/.");
    }
    if (candidate !== candidate.toLowerCase()) {
      return ok(candidate.toLowerCase(), "Store Hashes are lowercase, so capital letters " +
        "were made lowercase.");
    }
    return ok(candidate);
  }

  function looksLikeAddress(text) {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.indexOf(".") !== -1;
  }

  function parseAddress(text) {
    var withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : "https://" + text;
    try {
      return new URL(withScheme);
    } catch (error) {
      return null;
    }
  }

  /* The whole rule set, as one pure function of the pasted text. */
  function findStoreHash(rawInput) {
    var text = String(rawInput == null ? "" : rawInput).trim();
    if (text === "") {
      return problem("Paste your API path, your store-….mybigcommerce.com address or the " +
        "Store Hash first.");
    }
    if (text.length > MAX_INPUT_LENGTH) {
      return problem("That is far longer than an API path. Copy only the API path field.");
    }
    if (/[{}]/.test(text)) {
      return problem("That still holds a placeholder in curly braces, such as {store_hash}. " +
        "Use the API path of your own API account instead.");
    }
    if (/\s/.test(text)) {
      return problem("That has spaces or line breaks in the middle. Copy only the API path, " +
        "for example " + API_PATH_EXAMPLE);
    }
    var storesMatch = /(?:^|\/)stores\/([^/?#]*)/.exec(text);
    if (storesMatch) {
      var result = checkHash(storesMatch[1], "part after /stores/", false);
      var apiHost = parseAddress(text);
      if (result.ok && (apiHost === null || apiHost.hostname !== "api.bigcommerce.com")) {
        result.message = ("This is not an api.bigcommerce.com address. The hash was read " +
          "from after /stores/; check that it is your store's API path. " + result.message).trim();
      }
      return result;
    }
    if (!looksLikeAddress(text)) {
      return checkHash(text, "Store Hash", true);
    }
    var url = parseAddress(text);
    if (url === null || url.hostname === "") {
      return problem("That does not read as a web address. Copy the API path again, for " +
        "example " + API_PATH_EXAMPLE);
    }
    var host = url.hostname.toLowerCase();
    var storeHost = /^store-([^.]*)\.mybigcommerce\.com$/.exec(host);
    if (storeHost) {
      return checkHash(storeHost[1], "part after store-", false);
    }
    if (/(^|\.)mybigcommerce\.com$/.test(host)) {
      return problem("This mybigcommerce.com address has no store- part, so it does not " +
        "contain the Store Hash. Use the API path instead.");
    }
    if (host === "api.bigcommerce.com") {
      return problem("This API address has no /stores/ part. Copy the whole API path, for " +
        "example " + API_PATH_EXAMPLE);
    }
    if (/(^|\.)bigcommerce\.com$/.test(host)) {
      return problem("This BigCommerce address does not contain the Store Hash. Use the API " +
        "path from the API account form.");
    }
    return problem("This looks like your shop's own domain (" + host + "). It does not " +
      "contain the Store Hash. Use the API path from the API account form.");
  }

  function copyText(text, field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var range = document.createRange();
      range.selectNodeContents(field);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = document.execCommand && document.execCommand("copy");
      selection.removeAllRanges();
      if (copied) {
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  function mount(finder) {
    if (finder.dataset.bcMounted === "true") {
      return;
    }
    finder.dataset.bcMounted = "true";
    var form = finder.querySelector("form");
    var input = finder.querySelector("input");
    var message = finder.querySelector("[data-bc-message]");
    var answer = finder.querySelector("[data-bc-answer]");
    var hashField = finder.querySelector("[data-bc-hash]");
    var copyButton = finder.querySelector("[data-bc-copy]");

    function show(result) {
      message.textContent = result.message;
      message.dataset.kind = result.ok ? "note" : "error";
      hashField.textContent = result.hash;
      answer.hidden = !result.ok;
      input.setAttribute("aria-invalid", result.ok ? "false" : "true");
      copyButton.textContent = "Copy";
    }

    function update() {
      if (input.value.trim() === "") {
        message.textContent = "";
        hashField.textContent = "";
        answer.hidden = true;
        input.removeAttribute("aria-invalid");
        return;
      }
      show(findStoreHash(input.value));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show(findStoreHash(input.value));
    });
    input.addEventListener("input", update);
    copyButton.addEventListener("click", function () {
      copyText(hashField.textContent, hashField).then(
        function () { copyButton.textContent = "Copied"; },
        function () {
          copyButton.textContent = "Copy";
          message.dataset.kind = "error";
          message.textContent = "Your browser did not allow copying. Select the hash and copy it.";
        }
      );
    });
  }

  function mountAll() {
    var finders = document.querySelectorAll("[data-bc-store-hash-finder]");
    for (var i = 0; i < finders.length; i += 1) {
      mount(finders[i]);
    }
  }

  window.bcFindStoreHash = findStoreHash;
  /* Material's document$ fires on every page view, including after instant navigation. */
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(mountAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
