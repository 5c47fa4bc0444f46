/* passnum Signature on the tablet (hand-over and return of a loan): the borrower draws in the
 * frame with a finger, a stylus or the mouse (signature_pad, vendored in /static/vendor/). The
 * drawing is sent as a PNG data URL in the hidden field `signature_png`. Without this file (or
 * without a pointer) the form still works: the signer's typed name and the confirmation box are
 * the keyboard alternative, which the server accepts instead of a drawing. */
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas || typeof SignaturePad === "undefined") { return; }
  var field = document.getElementById("signature_png");
  var form = canvas.closest("form");
  canvas.closest(".signature-draw").hidden = false;

  var pad = new SignaturePad(canvas, { penColor: "#000", minWidth: 1, maxWidth: 3 });

  /* The canvas drawn at the screen's pixel density, so the stroke stays sharp on a tablet. */
  function fit() {
    var kept = pad.toData();
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var width = canvas.offsetWidth || 600;
    canvas.width = width * ratio;
    canvas.height = (width / 3) * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(kept);
  }
  window.addEventListener("resize", fit);
  fit();
  if (field.value) { /* the form came back after a refusal: show what was drawn */
    pad.fromDataURL(field.value, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetWidth / 3 });
  }
  pad.addEventListener("endStroke", function () { field.value = pad.toDataURL("image/png"); });
  document.getElementById("signature-clear").addEventListener("click", function () {
    pad.clear();
    field.value = "";
  });
  form.addEventListener("submit", function () {
    field.value = pad.isEmpty() ? field.value : pad.toDataURL("image/png");
  });
})();
