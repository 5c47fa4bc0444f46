/* Print-job page: follow the background job's progress without reloading the page. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  var link = document.getElementById("job-download");
  function poll() {
    fetch(box.getAttribute("data-state-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.done;
        if (job.status === "done" && job.download) {
          text.textContent = "PDF prêt : " + job.total + " carnets.";
          link.href = job.download;
          link.hidden = false;
          link.focus();
        } else if (job.status === "failed") {
          text.textContent = "L'impression a échoué. Relancez-la depuis la page du tirage.";
        } else {
          text.textContent = job.done + " carnet(s) sur " + job.total + " (" + job.percent + " %). Vous pouvez quitter cette page : l'impression continue.";
          setTimeout(poll, 1500);
        }
      }, function () { setTimeout(poll, 5000); });
  }
  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") { setTimeout(poll, 1000); }
})();
