// Which browser origins may open GET /v1/ws. Non-browser clients send no Origin and pass.
const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** `allowed` unset means development: any localhost origin. "*" allows every origin. */
export function originAllowed(origin: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (!origin) return true;
  if (!allowed) return LOCALHOST.test(origin);
  return allowed.includes("*") || allowed.includes(origin);
}
