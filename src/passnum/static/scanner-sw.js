/* passnum Scanner service worker, served at /scanner/sw.js (scope /scanner; passnum fills in the
 * version, a digest of the files below, and their list). It keeps the Scanner page, its styles,
 * scripts and icons so that the page opens with no network once opened online:
 * - the page (/scanner): from the network when it answers within a few seconds (then kept), else
 *   the last copy kept;
 * - /static/ files: the copy kept at once, refreshed in the background (stale-while-revalidate);
 * - everything else (the kit, the synchronisation, logins) goes to the network untouched.
 * No fonts to keep: passnum uses the phone's own fonts. */
"use strict";
var CACHE = "passnum-scanner-__VERSION__";
var ASSETS = ["__ASSETS__"];
var PAGE = "/scanner";
var PAGE_TIMEOUT_MS = 4000;

function keepPage(cache, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    return cache.put(PAGE, response.clone());
  }
  return Promise.resolve();
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all([
        cache.addAll(ASSETS),
        fetch(PAGE, { credentials: "same-origin" }).then(function (r) { return keepPage(cache, r); }, function () {})
      ]);
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("passnum-scanner-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function thePage(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      return keepPage(cache, response).then(function () { return response; });
    });
    var late = new Promise(function (resolve) { setTimeout(resolve, PAGE_TIMEOUT_MS); });
    var kept = function () {
      return cache.match(PAGE).then(function (hit) { return hit || network; });
    };
    /* A white zone: no answer at all, or a very slow one — show the kept page. */
    return Promise.race([network, late.then(function () { return null; })]).then(
      function (response) { return response || kept(); },
      kept
    );
  });
}

function staticFile(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      var network = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      if (hit) { network.catch(function () {}); return hit; }
      return network;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && (url.pathname === "/scanner" || url.pathname === "/scanner/")) {
    event.respondWith(thePage(request));
  } else if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/scanner/manifest.webmanifest") {
    event.respondWith(staticFile(request));
  }
});
