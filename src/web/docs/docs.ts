// The /docs page: Swagger UI on /openapi.json, bundled from swagger-ui-dist (no CDN). The
// document's URL comes from the page (data-url), as the page's policy allows no inline script.
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-bundle.js";
import "swagger-ui-dist/swagger-ui.css";

const root = document.getElementById("swagger-ui")!;
SwaggerUIBundle({ url: root.dataset.url, domNode: root });
