// YASGUI over our endpoint only: no outside autocompleters, no endpoint catalogue, no storage.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("sparql-examples").textContent);
  var prefixes = JSON.parse(document.getElementById("sparql-prefixes").textContent);
  var endpoint = new URL("sparql", document.baseURI).href;
  document.getElementById("endpoint-url").textContent = endpoint;

  var header = Object.keys(prefixes).filter(function (p) {
    return ["hg", "rdf", "rdfs", "org", "schema", "dcterms", "skos"].indexOf(p) >= 0;
  }).map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; }).join("\n");
  var starter = header + "\n\nSELECT ?partnership ?label WHERE {\n  ?partnership a hg:Partnership ;\n" +
    "               rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 20\n";

  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.value = starter;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    yasqe: { value: starter },
  });
  window.healthgraphYasgui = yasgui;

  function load(name, run) {
    var example = examples.filter(function (e) { return e.name === name; })[0];
    if (!example) return;
    var tab = yasgui.getTab();
    tab.setQuery(example.query);
    if (run) tab.getYasqe().query();
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () { load(button.getAttribute("data-name"), true); });
  });
})();
