// Commune picker: the ARIA 1.2 combobox pattern (list autocomplete) on <input data-commune>.
// Without JavaScript the field still works: the server takes an INSEE code, or a name or postcode
// naming one commune, and lists the candidates otherwise. data-commune="multi": a list of codes
// separated by commas; what is typed after the last comma is searched, a pick adds its code.
(function () {
  "use strict";
  var counter = 0;

  function setup(input) {
    var multi = input.getAttribute("data-commune") === "multi";
    // data-commune-prefer="50": the operator's départements, whose communes are suggested first.
    var preferred = input.getAttribute("data-commune-prefer");
    var prefer = preferred ? "&prefer=" + encodeURIComponent(preferred) : "";
    var id = "communes-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Communes proposées");
    list.className = "combobox-list";
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");
    input.removeAttribute("maxlength");
    var options = [], active = -1, timer = null, asked = 0;

    function typed() {
      return multi ? input.value.split(",").pop().trim() : input.value.trim();
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      options.forEach(function (o, i) { o.el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].el.id);
        options[index].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(index) {
      var c = options[index].commune;
      if (multi) {
        var parts = input.value.split(",");
        parts[parts.length - 1] = " " + c.code;
        input.value = parts.join(",").replace(/^\s+/, "") + ", ";
      } else {
        input.value = c.libelle;
      }
      status.textContent = c.nom + " choisie.";
      close();
      input.focus();
    }
    function show(communes) {
      list.textContent = "";
      options = communes.map(function (c, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = c.nom + " (" + c.codes_postaux.join(", ") + ")" + (c.epci_nom ? " — " + c.epci_nom : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
        list.appendChild(li);
        return { el: li, commune: c };
      });
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      status.textContent = options.length ? options.length + " commune(s) proposée(s)." : "Aucune commune ne correspond.";
      active = -1;
    }
    function search() {
      var q = typed();
      if (q.length < 2) { close(); return; }
      var ticket = ++asked;
      fetch("/api/v1/communes?limit=8&q=" + encodeURIComponent(q) + prefer, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (communes) { if (ticket === asked) show(communes); })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden) { search(); return; }
        e.preventDefault(); highlight(Math.min(active + 1, options.length - 1));
      } else if (e.key === "ArrowUp") {
        if (!list.hidden) { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-commune]").forEach(setup);
})();
