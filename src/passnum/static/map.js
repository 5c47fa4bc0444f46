// Maps drawn with Leaflet (vendor/leaflet, BSD-2-Clause) on the elements <div class="map"
// data-map="places|position|coverage" data-tiles="…" data-attribution="…" hidden>. The element
// stays hidden without JavaScript: the list or table next to it says the same. Points come from a
// <script type="application/json"> block named by data-points (never executed, so our CSP allows
// it); text is put in with textContent only.
(function () {
  "use strict";
  if (!window.L) return;

  function points(element) {
    var source = document.getElementById(element.dataset.points || "");
    if (!source) return [];
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return [];
    }
  }

  function baseMap(element) {
    element.hidden = false;
    // A person who asked their system for less motion gets popups and zooms without animation.
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var map = L.map(element, {
      scrollWheelZoom: false,
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution || "",
      }).addTo(map);
    }
    map.setView([49.1, -1.3], 9);
    return map;
  }

  function popup(point) {
    var box = document.createElement("div");
    var title = document.createElement(point.href ? "a" : "strong");
    title.textContent = point.name;
    if (point.href) title.href = point.href;
    box.appendChild(title);
    (point.lines || []).forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function fit(map, latLngs) {
    if (latLngs.length === 1) map.setView(latLngs[0], 13);
    else if (latLngs.length > 1) map.fitBounds(L.latLngBounds(latLngs).pad(0.1));
  }

  function placesMap(element) {
    var map = baseMap(element);
    var latLngs = [];
    points(element).forEach(function (point) {
      var at = [point.lat, point.lon];
      latLngs.push(at);
      L.marker(at, { title: point.name, alt: point.name }).addTo(map).bindPopup(popup(point));
    });
    if (element.dataset.homeLat) {
      var home = [Number(element.dataset.homeLat), Number(element.dataset.homeLon)];
      L.circleMarker(home, { radius: 8, color: "#b00020" })
        .addTo(map)
        .bindTooltip(element.dataset.homeLabel || "");
      latLngs.push(home);
    }
    fit(map, latLngs);
  }

  function positionMap(element) {
    var map = baseMap(element);
    var lat = document.getElementById(element.dataset.latitude);
    var lon = document.getElementById(element.dataset.longitude);
    function read() {
      var a = Number(String(lat.value).replace(",", "."));
      var b = Number(String(lon.value).replace(",", "."));
      return lat.value && lon.value && isFinite(a) && isFinite(b) ? [a, b] : null;
    }
    var start = read() || [Number(element.dataset.centreLat), Number(element.dataset.centreLon)];
    var marker = L.marker(start, {
      draggable: true,
      title: element.dataset.markerTitle || "",
      alt: element.dataset.markerTitle || "",
      keyboard: true,
    }).addTo(map);
    map.setView(start, read() ? 17 : 13);
    function write(at) {
      lat.value = at.lat.toFixed(6);
      lon.value = at.lng.toFixed(6);
    }
    marker.on("dragend", function () {
      write(marker.getLatLng());
    });
    map.on("click", function (event) {
      marker.setLatLng(event.latlng);
      write(event.latlng);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var at = read();
        if (at) {
          marker.setLatLng(at);
          map.panTo(at);
        }
      });
    });
  }

  function coverageMap(element) {
    var map = baseMap(element);
    var latLngs = [];
    points(element).forEach(function (point) {
      var at = [point.lat, point.lon];
      latLngs.push(at);
      var layer;
      if (point.kind === "site") {
        layer = L.marker(at, { title: point.name, alt: point.name });
      } else {
        layer = L.circleMarker(at, {
          radius: point.radius || 4,
          color: point.far ? "#b00020" : "#1d5fa8",
          weight: 1,
          fillOpacity: 0.45,
        });
      }
      layer.addTo(map).bindPopup(popup(point));
    });
    fit(map, latLngs);
  }

  // « Autour de moi »: the browser's position (asked only on a click), sent as ?lat=&lon=.
  document.querySelectorAll("button[data-locate]").forEach(function (button) {
    if (!navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (where) {
          var url = new URL(button.dataset.locate, window.location.href);
          url.searchParams.set("lat", where.coords.latitude.toFixed(4));
          url.searchParams.set("lon", where.coords.longitude.toFixed(4));
          url.hash = "pres-de-moi";
          window.location.assign(url.toString());
        },
        function () {
          button.disabled = false;
          button.textContent = "Position indisponible : tapez votre commune";
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  });

  var kinds = { places: placesMap, position: positionMap, coverage: coverageMap };
  document.querySelectorAll(".map[data-map]").forEach(function (element) {
    var draw = kinds[element.dataset.map];
    if (draw) draw(element);
  });
})();
