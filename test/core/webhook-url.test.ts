// The webhook URL rules (src/core/webhook-url.ts) with a resolver that answers what a test says:
// a public name whose DNS answer is private is refused, whenever it is checked (deliveries check
// again, so a name that turns private after the webhook was set is refused then).
import { expect, test } from "bun:test";
import { checkWebhookUrl, isPublicAddress } from "../../src/core/webhook-url.ts";

const rules = (answers: Record<string, string[]>) => ({
  allowPrivate: false,
  httpsOnly: false,
  resolve: async (host: string) => answers[host] ?? [],
});

test("a name is judged by every address it resolves to", async () => {
  const dns = { "hooks.example.com": ["93.184.216.34"], "rebound.example.com": ["93.184.216.34", "10.0.0.5"], "six.example.com": ["::ffff:169.254.169.254"] };
  await expect(checkWebhookUrl("https://hooks.example.com/x", rules(dns))).resolves.toBeInstanceOf(URL);
  await expect(checkWebhookUrl("https://rebound.example.com/x", rules(dns))).rejects.toMatchObject({ code: "invalid_request", details: { address: "10.0.0.5" } });
  await expect(checkWebhookUrl("https://six.example.com/x", rules(dns))).rejects.toMatchObject({ code: "invalid_request" });
  await expect(checkWebhookUrl("https://nowhere.example.com/x", rules(dns))).rejects.toMatchObject({ message: "the webhook host does not resolve" });
});

test("without a resolver (Workers) literal addresses and local names are still refused", async () => {
  const none = { allowPrivate: false, httpsOnly: false };
  await expect(checkWebhookUrl("http://hooks.example.com/", none)).resolves.toBeInstanceOf(URL);
  for (const url of ["http://[::1]/", "http://0x7f000001/", "http://foo.localhost/", "http://intranet/", "http://db.internal/"]) {
    await expect(checkWebhookUrl(url, none)).rejects.toMatchObject({ code: "invalid_request" });
  }
});

test("WEBHOOK_ALLOW_PRIVATE allows any address, but not other schemes; production mode allows https only", async () => {
  await expect(checkWebhookUrl("http://127.0.0.1:9/", { allowPrivate: true, httpsOnly: false })).resolves.toBeInstanceOf(URL);
  await expect(checkWebhookUrl("file:///etc/passwd", { allowPrivate: true, httpsOnly: false })).rejects.toMatchObject({ code: "invalid_request" });
  await expect(checkWebhookUrl("http://127.0.0.1:9/", { allowPrivate: true, httpsOnly: true })).rejects.toMatchObject({ message: "webhook URLs must be https" });
});

test("public and non-public addresses", () => {
  for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"]) expect(isPublicAddress(a)).toBe(true);
  for (const a of ["127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.0.1", "100.127.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::", "not an address"]) {
    expect(isPublicAddress(a)).toBe(false);
  }
});
