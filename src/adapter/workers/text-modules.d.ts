// wrangler.toml's [[rules]] bundle *.sql files as Text modules: their default export is the text.
declare module "*.sql" {
  const text: string;
  export default text;
}
