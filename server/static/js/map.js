// The partnership map: world-atlas outlines drawn with d3-geo, no tiles, no network.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var holder = document.getElementById("map");
  var data = JSON.parse(document.getElementById("map-data").textContent);

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function shade(n) {
    if (!n) return "s0";
    if (n <= 2) return "s1";
    if (n <= 10) return "s2";
    if (n <= 30) return "s3";
    return "s4";
  }

  fetch(holder.getAttribute("data-atlas")).then(function (r) { return r.json(); }).then(function (atlas) {
    var features = topojson.feature(atlas, atlas.objects.countries).features
      .filter(function (f) { return f.properties.name !== "Antarctica"; });
    var byName = {};
    data.countries.forEach(function (c) {
      c.names.forEach(function (n) { byName[n.toLowerCase()] = c; });
    });
    var width = 960, height = 500;
    var projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "FeatureCollection", features: features });
    var path = d3.geoPath(projection);

    var svg = el("svg", {
      viewBox: "0 0 " + width + " " + height, role: "group",
      "aria-labelledby": "map-title", "aria-describedby": "map-caption", class: "worldmap"
    });
    el("title", { id: "map-title" }, svg).textContent = "World map of partnerships per country";
    var countries = el("g", { class: "countries" }, svg);
    var centroid = {};
    features.forEach(function (f) {
      var c = byName[f.properties.name.toLowerCase()];
      var d = path(f);
      if (!d) return;
      var node = el("path", { d: d, class: "country " + shade(c && c.count) }, countries);
      if (c) centroid[c.code] = path.centroid(f);
      if (c && c.count) {
        var label = c.label + ": " + c.count + " partnership" + (c.count === 1 ? "" : "s");
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "link");
        node.setAttribute("aria-label", label + " (show them)");
        node.setAttribute("data-country", c.code);
        el("title", {}, node).textContent = label;
        var go = function () { window.location.href = "/partnerships?country=" + encodeURIComponent(c.code); };
        node.addEventListener("click", go);
        node.addEventListener("keydown", function (e) {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
        });
      } else {
        el("title", {}, node).textContent = f.properties.name + (c ? ": 0 partnerships" : "");
      }
    });
    var pointAt = {};
    data.places.forEach(function (p) { pointAt[p.name] = projection([p.lon, p.lat]); });
    if (data.links) {
      var lines = el("g", { class: "links", "aria-label": "Links of " + data.links.label }, svg);
      data.links.places.forEach(function (place) {
        data.links.countries.forEach(function (code) {
          var a = pointAt[place], b = centroid[code];
          if (!a || !b) return;
          var mx = (a[0] + b[0]) / 2 - (b[1] - a[1]) * 0.2, my = (a[1] + b[1]) / 2 + (b[0] - a[0]) * 0.2;
          el("path", { d: "M" + a[0] + "," + a[1] + " Q" + mx + "," + my + " " + b[0] + "," + b[1], class: "link" }, lines);
        });
      });
    }
    var points = el("g", { class: "places" }, svg);
    data.places.forEach(function (p) {
      var xy = pointAt[p.name];
      var dot = el("circle", { cx: xy[0], cy: xy[1], r: 2 + Math.min(4, Math.sqrt(p.count) / 2), class: "place" }, points);
      el("title", {}, dot).textContent = p.name + ": " + p.institutions.join("; ") + " (" + p.count + " partnership memberships)";
    });
    // Scotland inset: the UK outline zoomed to Scotland, with the same places, larger.
    var uk = features.filter(function (f) { return f.properties.name === "United Kingdom"; })[0];
    if (uk) {
      var iw = 170, ih = 210;
      var inset = el("g", { class: "inset", transform: "translate(8,8)" }, svg);
      el("rect", { width: iw, height: ih, class: "inset-frame" }, inset);
      var clip = el("clipPath", { id: "inset-clip" }, inset);
      el("rect", { width: iw, height: ih }, clip);
      var box = { type: "MultiPoint", coordinates: [[-7.6, 54.6], [-0.8, 60.9]] };
      var zoom = d3.geoMercator().fitExtent([[8, 8], [iw - 8, ih - 8]], box);
      var zoomPath = d3.geoPath(zoom);
      el("path", { d: zoomPath(uk), class: "country s0", "clip-path": "url(#inset-clip)" }, inset);
      el("text", { x: 6, y: ih - 8, class: "inset-label" }, inset).textContent = "Scotland";
      data.places.forEach(function (p) {
        var xy = zoom([p.lon, p.lat]);
        var dot = el("circle", { cx: xy[0], cy: xy[1], r: 3 + Math.min(6, Math.sqrt(p.count)), class: "place" }, inset);
        el("title", {}, dot).textContent = p.name + ": " + p.institutions.join("; ") + " (" + p.count + " partnership memberships)";
      });
    }
    holder.innerHTML = "";
    holder.appendChild(svg);
  }).catch(function (error) {
    document.getElementById("map-fallback").textContent = "The map could not be drawn (" + error + "); the tables below have the same numbers.";
  });
})();
