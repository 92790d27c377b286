// Bots for tests: created through the API by their owner, with a client on the bot's token.
import { client, uniqueName, type TestUser } from "./api.ts";

export interface TestBot {
  id: string;
  username: string;
  token: string;
  api: ReturnType<typeof client>;
}

export async function createBot(owner: TestUser, input: Record<string, unknown> = {}): Promise<TestBot> {
  const res = await owner.api.post("/v1/bots", { username: uniqueName("bot"), ...input });
  if (res.status !== 201) throw new Error(`create bot: ${res.status} ${res.text}`);
  return { id: res.body.bot.id, username: res.body.bot.username, token: res.body.token, api: client(owner.api.base, res.body.token) };
}
