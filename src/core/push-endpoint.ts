// Which push endpoints Parley posts to (SSRF, as for webhooks: src/core/webhook-url.ts): https
// URLs of public addresses only. PUSH_ALLOW_LOCALHOST=1 (development, tests) also allows http and
// https to this machine's loopback addresses, never to other private ones. Checked when a device
// subscribes and again before every push (DNS answers change).
import ipaddr from "ipaddr.js";
import { invalid } from "./errors.ts";
import { isPublicAddress, LOCAL_NAMES } from "./webhook-url.ts";

export interface PushEndpointRules {
  /** PUSH_ALLOW_LOCALHOST=1: a push service on this machine (a test receiver) */
  allowLocalhost: boolean;
  /** the addresses a host name resolves to (Bun); absent on Workers: literal addresses and local names only */
  resolve?: (host: string) => Promise<string[]>;
}

const isLoopback = (address: string) => ipaddr.isValid(address) && ipaddr.process(address).range() === "loopback";

/** The endpoint, or 400 saying why Parley will not post to it. */
export async function checkPushEndpoint(raw: string, rules: PushEndpointRules): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("the push endpoint is not a URL", { endpoint: raw });
  }
  if (url.username || url.password) throw invalid("push endpoints carry no credentials", { endpoint: raw });
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const local = rules.allowLocalhost && (host === "localhost" || isLoopback(host));
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) throw invalid("push endpoints must be https", { endpoint: raw });
  if (local) return url;
  let addresses = [host];
  if (!ipaddr.isValid(host) && !LOCAL_NAMES.test(host) && host.includes(".")) {
    addresses = rules.resolve ? await rules.resolve(host).catch(() => []) : [];
    if (rules.resolve && addresses.length === 0) throw invalid("the push endpoint's host does not resolve", { host });
  }
  const refused = addresses.find((a) => !isPublicAddress(a));
  if (refused !== undefined) throw invalid("the push endpoint reaches a loopback, private or otherwise non-public address", { endpoint: raw, address: refused });
  return url;
}
