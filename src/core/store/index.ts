// The whole store, one part per concern, for wiring: a runtime opens one and hands each domain
// class the parts it uses. A feature with data of its own adds its part here (a port file beside
// these, a file in src/store/sql/).
import type { BotOutbox } from "./bot-outbox.ts";
import type { BotStore } from "./bots.ts";
import type { ConversationStore } from "./conversations.ts";
import type { LoginStore } from "./logins.ts";
import type { MessageLog } from "./message-log.ts";
import type { ReceiptStore } from "./receipts.ts";
import type { UserStore } from "./users.ts";

export interface Store {
  users: UserStore;
  logins: LoginStore;
  conversations: ConversationStore;
  messageLog: MessageLog;
  receipts: ReceiptStore;
  bots: BotStore;
  botOutbox: BotOutbox;
}
