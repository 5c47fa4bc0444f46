/* passnum Scanner without a network. With the network, the Scanner form posts to the server as
 * always. This file adds:
 * - the service worker (/scanner/sw.js) that keeps the page for opening with no network;
 * - the offline kit (/scanner/kit): keyed hashes of the cheques accepted at the agent's sites and
 *   of those already used, downloaded at opening, every hour and on demand, kept in IndexedDB;
 * - offline decisions: without network, a scan is judged against the kit and this device's own
 *   queue, and an accepted cheque is queued in IndexedDB (client id, scan time, site, activity,
 *   place): the queue survives closing the browser or restarting the phone;
 * - synchronisation (/scanner/sync): when the network returns, the queue is sent in batches of
 *   100; the server decides each scan (it alone redeems) and its answer is shown here.
 * The rules are the server's: never more than "Accepté hors connexion", and a kit older than
 * 7 days accepts nothing. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  var panel = document.getElementById("hors-connexion");
  if (!form || !panel) { return; }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/scanner/sw.js", { scope: "/scanner" }).catch(function () {});
  }
  if (!window.indexedDB || !window.crypto || !window.crypto.subtle || !window.fetch) { return; }
  panel.hidden = false;

  var input = document.getElementById("code");
  var stateText = document.getElementById("hc-etat");
  var queueText = document.getElementById("hc-file");
  var resultList = document.getElementById("hc-resultats");
  var refreshButton = document.getElementById("hc-maj");
  var sendButton = document.getElementById("hc-envoyer");
  var announce = document.getElementById("annonce");
  var csrfField = form.querySelector("input[name=_csrf_token]");
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var HOUR = 3600 * 1000;
  var MAX_AGE = 7 * 24 * HOUR;
  var BATCH = 100;
  var online = navigator.onLine;
  var kit = null;
  var index = null;
  var hmacKey = null;
  var syncing = false;
  var bypass = false;

  /* --- IndexedDB: "kit" (the current kit) and "queue" (scans accepted offline) ------------- */
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("passnum-scanner", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("kit");
      var queue = db.createObjectStore("queue", { keyPath: "client_id" });
      queue.createIndex("code", "code");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
  if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(function () {}); }

  function store(name, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function allQueued() { return store("queue", "readonly", function (s) { return s.getAll(); }); }
  function putQueued(item) { return store("queue", "readwrite", function (s) { s.put(item); }); }

  /* --- Codes (the same reading as the server's vouchers.codes) ------------------------------ */
  function timesTwo(v) { v <<= 1; return v & 32 ? v ^ 37 : v; }
  function parseCode(text) {
    var t = String(text || "").trim();
    var inUrl = t.match(/\/c\/([^/?#\s]+)/i);
    if (inUrl) { t = inUrl[1]; }
    t = t.toUpperCase().replace(/[\s\-_.·–—]+/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
    if (t.length !== 16) { return null; }
    var state = 0;
    for (var i = 0; i < t.length; i++) {
      var v = ALPHABET.indexOf(t[i]);
      if (v < 0) { return null; }
      state = timesTwo(state) ^ v;
    }
    return state === 0 ? t : null;
  }
  function pretty(code) { return code.replace(/(.{4})(?=.)/g, "$1-"); }

  /* --- The kit --------------------------------------------------------------------------- */
  function fromBase64Url(text) {
    var b = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(b.length);
    for (var i = 0; i < b.length; i++) { bytes[i] = b.charCodeAt(i); }
    return bytes;
  }
  function toBase64Url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function useKit(data) {
    var entries = new Map();
    data.booklets.forEach(function (line) {
      var parts = line.split(" ");
      [[parts[2], false], [parts[3], true]].forEach(function (pair) {
        var text = pair[0] || "";
        for (var i = 0; i + 9 <= text.length; i += 9) {
          entries.set(text.slice(i + 1, i + 9), {
            batch: data.batches[+parts[0]], number: parts[1], position: +text[i], used: pair[1]
          });
        }
      });
    });
    return crypto.subtle.importKey("raw", fromBase64Url(data.key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      .then(function (key) {
        kit = data; index = entries; hmacKey = key;
        panel.setAttribute("data-kit", data.generated_at);
        render();
      });
  }
  function hashOf(code) {
    return crypto.subtle.sign("HMAC", hmacKey, new TextEncoder().encode(code)).then(function (sig) {
      return toBase64Url(new Uint8Array(sig).slice(0, 6));
    });
  }
  function refreshKit() {
    return fetch("/scanner/kit", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.redirected || r.status === 401) { throw new Error("login"); }
        if (!r.ok) { throw new Error("http"); }
        return r.json();
      })
      .then(function (data) {
        return store("kit", "readwrite", function (s) { s.put(data, "current"); }).then(function () { return useKit(data); });
      })
      .catch(function (error) {
        if (error && error.message === "login") { note("Reconnectez-vous pour mettre à jour la liste hors connexion."); }
        render();
      });
  }
  function kitAge() { return kit ? Date.now() - Date.parse(kit.generated_at) : Infinity; }

  /* --- Saying things --------------------------------------------------------------------- */
  var lastNote = "";
  function note(text) { lastNote = text; }
  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString("fr-FR") + " à " + d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  }
  function ago(ms) {
    var minutes = Math.round(ms / 60000);
    if (minutes < 60) { return minutes <= 1 ? "il y a moins de 2 minutes" : "il y a " + minutes + " minutes"; }
    var hours = Math.round(minutes / 60);
    if (hours < 48) { return "il y a " + hours + " heure" + (hours > 1 ? "s" : ""); }
    return "il y a " + Math.round(hours / 24) + " jours";
  }
  function euros(cents) { return (cents / 100).toLocaleString("fr-FR", { style: "currency", currency: "EUR" }); }
  function render() {
    var kitLine = kit
      ? "Liste hors connexion du " + when(kit.generated_at) + " (" + ago(kitAge()) + ") : " +
        kit.cheque_count.toLocaleString("fr-FR") + " chèques."
      : "Aucune liste hors connexion sur cet appareil.";
    if (kit && kitAge() > MAX_AGE) { kitLine += " Elle a plus de 7 jours : hors connexion, aucun chèque ne peut être accepté."; }
    panel.classList.toggle("is-offline", !online);
    stateText.textContent = (online ? "En ligne. " : "HORS CONNEXION — les chèques sont vérifiés avec la liste de cet appareil, le serveur confirmera au retour du réseau. ") +
      kitLine + (lastNote ? " " + lastNote : "");
    allQueued().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "pending"; });
      queueText.textContent = waiting.length
        ? waiting.length + " chèque(s) accepté(s) hors connexion en attente d'envoi au serveur."
        : "Aucun scan en attente d'envoi.";
      sendButton.hidden = !(online && waiting.length);
      panel.setAttribute("data-pending", String(waiting.length));
      var done = items.filter(function (i) { return i.state === "done"; })
        .sort(function (a, b) { return a.scanned_at < b.scanned_at ? 1 : -1; }).slice(0, 20);
      resultList.textContent = "";
      done.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-result", item.result);
        li.setAttribute("data-code", item.code);
        li.textContent = "Scan du " + when(item.scanned_at) + ", chèque " + pretty(item.code) + " : " +
          (item.result === "redeemed" ? "encaissé. " : "refusé par le serveur. ") + item.message;
        resultList.appendChild(li);
      });
    });
  }

  /* The verdict of an offline scan, as large as the server's. */
  function verdict(code, ok, title, message, next) {
    var old = document.getElementById("resultat");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.id = "resultat";
    box.className = "result " + (ok ? "result-ok" : "result-refused");
    box.tabIndex = -1;
    box.setAttribute("data-result", code);
    [[title, "result-title"], [message, ""], [next, ""]].forEach(function (part, i) {
      var p = document.createElement("p");
      if (part[1]) { p.className = part[1]; }
      if (i === 2) { var s = document.createElement("strong"); s.textContent = "À faire : "; p.appendChild(s); }
      p.appendChild(document.createTextNode((i === 0 ? (ok ? "✔ " : "✖ ") : "") + part[0]));
      box.appendChild(p);
    });
    form.parentNode.insertBefore(box, form);
    document.title = title + " — Scanner un chèque — passnum";
    if (announce) { announce.textContent = title + ". " + message; }
    box.scrollIntoView({ block: "start" });
    input.value = "";
    input.focus({ preventScroll: true });
  }
  var REFUSE = "Rendez le chèque : ne l'acceptez pas.";
  function refuseUnknown() {
    verdict("offline_unknown", false, "Inconnu ou non valable ici — ne l'acceptez pas",
      "Ce chèque n'est pas dans la liste hors connexion de votre lieu (inconnu, pas encore remis, annulé, expiré ou réservé à d'autres lieux).",
      REFUSE);
  }

  function chosen(name) {
    var field = form.querySelector("input[name=" + name + "]:checked") || form.querySelector("[name=" + name + "]");
    return field ? field.value : "";
  }
  function localDay() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function uuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* --- The offline decision -------------------------------------------------------------- */
  function decideOffline(text) {
    var code = parseCode(text);
    if (!code) {
      verdict("offline_malformed", false, "Code mal saisi",
        "Vérifiez les 16 caractères imprimés sous le QR code, ou scannez-le à nouveau.", "Réessayez.");
      return Promise.resolve();
    }
    if (!kit) {
      verdict("offline_no_kit", false, "Pas de liste hors connexion — ne l'acceptez pas",
        "Cet appareil n'a pas de liste hors connexion : sans réseau, il ne peut pas vérifier le chèque.", REFUSE);
      return Promise.resolve();
    }
    if (kitAge() > MAX_AGE) {
      verdict("offline_kit_too_old", false, "Liste hors connexion trop ancienne — ne l'acceptez pas",
        "La liste de cet appareil a plus de 7 jours : elle ne permet plus d'accepter un chèque hors connexion.", REFUSE);
      return Promise.resolve();
    }
    var siteId = parseInt(chosen("site_id"), 10);
    return store("queue", "readonly", function (s) { return s.index("code").get(code); }).then(function (already) {
      if (already) {
        verdict("offline_already_used", false, "Déjà utilisé",
          "Ce chèque a déjà été scanné sur cet appareil le " + when(already.scanned_at) + ".",
          "Rendez le chèque à la personne et demandez-lui le chèque suivant.");
        return null;
      }
      return hashOf(code).then(function (hash) {
        var entry = index.get(hash);
        if (entry && entry.used) {
          verdict("offline_already_used", false, "Déjà utilisé",
            "Ce chèque (carnet " + entry.number + ", n° " + entry.position + ") était déjà utilisé à l'heure de la liste hors connexion.",
            "Rendez le chèque à la personne et demandez-lui le chèque suivant.");
          return null;
        }
        var day = localDay();
        if (!entry || entry.batch.site_ids.indexOf(siteId) < 0 || day < entry.batch.valid_from || day > entry.batch.last_day) {
          refuseUnknown();
          return null;
        }
        var item = {
          client_id: uuid(), code: code, scanned_at: new Date().toISOString(),
          activity: chosen("activity") || "individual", place: chosen("place") || "site",
          site_id: isNaN(siteId) ? null : siteId, kit: kit.token, state: "pending"
        };
        return putQueued(item).then(function () {
          verdict("offline_accepted", true, "Accepté hors connexion",
            "Chèque n° " + entry.position + " du carnet " + entry.number + " (" + pretty(code) + ") — " +
            euros(entry.batch.face_value_cents) + ", financé par " + entry.batch.funder +
            ". Le serveur le confirmera au retour du réseau.",
            "Réalisez l'accompagnement, puis gardez le chèque.");
          render();
        });
      });
    });
  }

  /* --- Synchronisation ------------------------------------------------------------------- */
  /* The page may come from the service worker's copy, with a CSRF token of an earlier session of
   * the browser: ask the server for the current one before sending. */
  function freshToken() {
    return fetch("/scanner/jeton", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.redirected || !r.ok) { throw new Error("login"); }
        return r.json();
      })
      .then(function (data) { return data.csrf || (csrfField ? csrfField.value : ""); });
  }
  function sendSome(items) {
    var scans = items.map(function (i) {
      return { client_id: i.client_id, code: i.code, scanned_at: i.scanned_at, activity: i.activity,
        place: i.place, site_id: i.site_id, kit: i.kit };
    });
    return freshToken().then(function (token) {
      return fetch("/scanner/sync", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ scans: scans })
      });
    }).then(function (r) {
      if (r.redirected || r.status === 401 || r.status === 403) { throw new Error("login"); }
      if (!r.ok) { throw new Error("http"); }
      return r.json();
    }).then(function (answer) {
      var byId = {};
      items.forEach(function (i) { byId[i.client_id] = i; });
      return Promise.all(answer.results.map(function (result) {
        var item = byId[result.client_id];
        if (!item || result.result === "in_progress") { return null; }
        item.state = "done";
        item.result = result.result;
        item.message = result.message;
        item.review = result.review;
        item.received_at = answer.received_at;
        return putQueued(item);
      }));
    });
  }
  function sync() {
    if (syncing || !online) { return Promise.resolve(); }
    syncing = true;
    return allQueued().then(function (items) {
      var waiting = items.filter(function (i) { return i.state === "pending"; });
      var chain = Promise.resolve();
      for (var i = 0; i < waiting.length; i += BATCH) {
        (function (some) { chain = chain.then(function () { return sendSome(some); }); })(waiting.slice(i, i + BATCH));
      }
      return chain.then(function () {
        if (waiting.length) { note("Scans hors connexion envoyés : voir les réponses du serveur ci-dessous."); }
      });
    }).catch(function (error) {
      note(error && error.message === "login"
        ? "Reconnectez-vous pour envoyer les scans en attente (ils restent sur cet appareil)."
        : "Envoi impossible pour l'instant : les scans restent sur cet appareil et partiront plus tard.");
    }).then(function () { syncing = false; render(); });
  }

  /* --- Online or not --------------------------------------------------------------------- */
  function ping() {
    if (!navigator.onLine) { return Promise.resolve(false); }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 4000);
    return fetch("/health/live", { cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }
  function check() {
    return ping().then(function (ok) {
      var back = ok && !online;
      online = ok;
      render();
      if (ok) {
        if (back || kitAge() > HOUR) { refreshKit(); }
        sync();
      }
      return ok;
    });
  }

  form.addEventListener("submit", function (event) {
    if (bypass) { return; }
    event.preventDefault();
    var text = input.value;
    (online ? ping() : Promise.resolve(false)).then(function (ok) {
      if (ok) { bypass = true; form.submit(); return; }
      online = false;
      render();
      decideOffline(text);
    });
  });
  refreshButton.addEventListener("click", function () {
    note("");
    ping().then(function (ok) {
      online = ok;
      if (ok) { refreshKit(); sync(); return; }
      note("Pas de réseau : la liste ne peut pas être mise à jour maintenant.");
      render();
    });
  });
  sendButton.addEventListener("click", function () { sync(); });
  window.addEventListener("online", check);
  window.addEventListener("offline", function () { online = false; render(); });
  setInterval(check, 30000);

  store("kit", "readonly", function (s) { return s.get("current"); })
    .then(function (saved) { return saved ? useKit(saved) : null; })
    .then(function () { render(); return check(); });
})();
