// Starts GraphiQL on #graphiql with the examples embedded in the page (no inline script: CSP).
(function () {
  var element = document.getElementById("graphiql");
  var examples = JSON.parse(document.getElementById("graphql-examples").textContent);
  var fetcher = GraphiQL.createFetcher({ url: element.dataset.endpoint });
  ReactDOM.createRoot(element).render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: examples[0].query,
    defaultTabs: examples.map(function (example) { return { query: example.query }; }),
  }));
})();
