/* passnum Scanner page: camera reading of the cheque QR code, and the activity choice kept between
 * visits. The fleet's inventory audit page uses the same reader for asset labels (QR or Code 128:
 * the form's data-camera-formats, data-camera-found and data-camera-active attributes).
 * The page works without this file: the text field takes typed codes and USB scanners
 * (a keyboard wedge types the URL then Enter, which submits the form).
 * Camera: the browser's native BarcodeDetector when it reads QR codes, else the vendored ZXing
 * reader (/static/vendor/zxing-browser.min.js), loaded only when the camera is turned on. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var input = document.getElementById("code");
  var STORE = "passnum.scan.choices";

  /* Remember activity and place in this browser (the server also keeps them after a scan). */
  function saveChoices() {
    var data = {};
    ["activity", "place"].forEach(function (name) {
      var checked = form.querySelector("input[name=" + name + "]:checked");
      if (checked) { data[name] = checked.value; }
    });
    try { localStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* private mode */ }
  }
  function restoreChoices() {
    if (document.getElementById("resultat")) { return; } /* the server's choice after a scan */
    var data = {};
    try { data = JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { data = {}; }
    Object.keys(data).forEach(function (name) {
      var radio = form.querySelector("input[name=" + name + "][value='" + data[name] + "']");
      if (radio) { radio.checked = true; }
    });
  }
  restoreChoices();
  form.addEventListener("change", saveChoices);

  /* After a scan: the verdict at the top of the screen (a phone is 320 px wide), announced to
   * screen readers through the live region, and the field focused for the next scan without
   * scrolling the verdict away. A mistyped code left in the field is selected: scanning again
   * replaces it, an arrow key lets the agent correct it. */
  var verdict = document.getElementById("resultat");
  var announce = document.getElementById("annonce");
  if (verdict) {
    input.focus({ preventScroll: true });
    if (input.value) { input.select(); }
    verdict.scrollIntoView({ block: "start" });
    if (announce) {
      setTimeout(function () {
        announce.textContent = verdict.textContent.replace(/\s+/g, " ").trim();
      }, 200);
    }
  }

  /* Camera scanning. */
  var section = document.getElementById("camera");
  var startButton = document.getElementById("camera-start");
  var stopButton = document.getElementById("camera-stop");
  var video = document.getElementById("camera-video");
  var status = document.getElementById("camera-status");
  if (!section || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  section.hidden = false;
  var stopCurrent = null;

  function say(text) { status.textContent = text; }

  function found(text) {
    stop();
    input.value = text;
    say(form.getAttribute("data-camera-found") || "QR code lu. Vérification du chèque…");
    saveChoices();
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function stop() {
    if (stopCurrent) { stopCurrent(); stopCurrent = null; }
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  /* What the camera reads: QR codes (cheques), or also Code 128 (the fleet's asset labels) when
   * the form says so in data-camera-formats. */
  var wanted = (form.getAttribute("data-camera-formats") || "qr_code").split(" ");

  function nativeDetector() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      var usable = wanted.filter(function (f) { return formats.indexOf(f) >= 0; });
      return usable.length === wanted.length ? new window.BarcodeDetector({ formats: usable }) : null;
    }, function () { return null; });
  }

  function startNative(detector) {
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        var running = true;
        video.srcObject = stream;
        stopCurrent = function () {
          running = false;
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.srcObject = null;
        };
        return video.play().then(function () {
          (function tick() {
            if (!running) { return; }
            detector.detect(video).then(function (codes) {
              if (running && codes.length) { found(codes[0].rawValue); } else { setTimeout(tick, 200); }
            }, function () { setTimeout(tick, 400); });
          })();
        });
      });
  }

  function loadZxing() {
    if (window.ZXingBrowser) { return Promise.resolve(window.ZXingBrowser); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = "/static/vendor/zxing-browser.min.js";
      script.onload = function () { resolve(window.ZXingBrowser); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function startZxing() {
    return loadZxing().then(function (ZXing) {
      var reader = wanted.length > 1 ? new ZXing.BrowserMultiFormatReader() : new ZXing.BrowserQRCodeReader();
      return reader.decodeFromConstraints(
        { video: { facingMode: "environment" }, audio: false }, video,
        function (result, error, controls) { if (result) { controls.stop(); found(result.getText()); } }
      ).then(function (controls) { stopCurrent = function () { controls.stop(); }; });
    });
  }

  startButton.addEventListener("click", function () {
    say("Ouverture de la caméra…");
    video.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    nativeDetector()
      .then(function (detector) { return detector ? startNative(detector) : startZxing(); })
      .then(function () {
        say(form.getAttribute("data-camera-active") || "Caméra active : placez le QR code du chèque dans le cadre.");
        stopButton.focus();
      }, function () {
        stop();
        say("La caméra n'a pas pu s'ouvrir (autorisation refusée ou absente). Tapez le code ou utilisez la douchette.");
        input.focus();
      });
  });
  stopButton.addEventListener("click", function () {
    stop();
    say("Caméra arrêtée.");
    input.focus();
  });
})();
