// The Upstash REST client as the adapters need it.
import { Redis } from "@upstash/redis";

export interface UpstashConfig {
  url: string;
  token: string;
}

export function upstashClient({ url, token }: UpstashConfig): Redis {
  return new Redis({
    url,
    token,
    // Raw replies: automatic deserialization turns ids such as "123" into numbers, and bus
    // payloads that look like JSON into objects.
    automaticDeserialization: false,
    // One request per call: atomicity comes from each Lua script, never from batching by tick.
    enableAutoPipelining: false,
  });
}
