// Which webhook URLs Parley calls (SSRF): none that reach loopback, private, link-local, CGNAT,
// metadata or any other non-public address, unless WEBHOOK_ALLOW_PRIVATE=1. Checked when the
// webhook is set and again before every delivery (DNS answers change). The URL parser already
// turns decimal, octal and hex IPv4 forms (http://2130706433/, http://0x7f.1/) into dotted
// quads and normalises IPv6; ipaddr.js classifies the address (IPv4-mapped IPv6 as its IPv4).
import ipaddr from "ipaddr.js";
import { invalid } from "./errors.ts";

export interface WebhookUrlRules {
  /** WEBHOOK_ALLOW_PRIVATE=1: any address (tests, a receiver on the same host) */
  allowPrivate: boolean;
  /** production mode: https only */
  httpsOnly: boolean;
  /**
   * The addresses a host name resolves to (Bun: the system resolver). Absent where the runtime
   * cannot resolve names itself (Workers): only literal addresses and local names are checked.
   */
  resolve?: (host: string) => Promise<string[]>;
}

/** Names that mean this machine or its cloud's internals, whatever DNS says. */
export const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** True for an address on the public internet (ipaddr.js's "unicast": nothing special). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/** The URL, or 400 saying why Parley will not call it. */
export async function checkWebhookUrl(raw: string, rules: WebhookUrlRules): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("the webhook URL is not a URL", { url: raw });
  }
  if (url.protocol !== "https:" && (rules.httpsOnly || url.protocol !== "http:")) {
    throw invalid(rules.httpsOnly ? "webhook URLs must be https" : "webhook URLs must be http or https", { url: raw });
  }
  if (url.username || url.password) throw invalid("webhook URLs carry no credentials (sign with the secret)", { url: raw });
  if (rules.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host) ? [host] : await resolved(host, rules);
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused !== undefined) {
    throw invalid("the webhook URL reaches a loopback, private, link-local or otherwise non-public address", { url: raw, address: refused });
  }
  return url;
}

async function resolved(host: string, rules: WebhookUrlRules): Promise<string[]> {
  if (LOCAL_NAMES.test(host) || !host.includes(".")) return [host]; // not public, whatever it resolves to
  if (!rules.resolve) return [];
  let addresses: string[];
  try {
    addresses = await rules.resolve(host);
  } catch {
    throw invalid("the webhook host does not resolve", { host });
  }
  if (addresses.length === 0) throw invalid("the webhook host does not resolve", { host });
  return addresses;
}
