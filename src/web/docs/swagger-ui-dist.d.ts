// The one entry of swagger-ui-dist that /docs uses (the package ships no types).
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  export default function SwaggerUIBundle(options: { url?: string; domNode: HTMLElement }): unknown;
}
