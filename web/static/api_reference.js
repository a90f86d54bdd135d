// The API reference page: Swagger UI (vendored) rendering the OpenAPI document named by the page.
const root = document.getElementById("swagger-ui");
if (root && window.SwaggerUIBundle) {
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: true });
}
