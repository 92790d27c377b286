// The whole store, one part per concern, for wiring: a runtime opens one and hands each domain
// class the parts it uses. A feature with data of its own adds its part here (a port file beside
// these, a file in src/store/sql/).
import type { ContactStore } from "./contacts.ts";
import type { BotOutbox } from "./bot-outbox.ts";
import type { BotStore } from "./bots.ts";
import type { ConversationStore } from "./conversations.ts";
import type { ConversationListStore } from "./conversation-list.ts";
import type { LoginStore } from "./logins.ts";
import type { MessageLog } from "./message-log.ts";
import type { ReceiptStore } from "./receipts.ts";
import type { SearchStore } from "./search.ts";
import type { UploadStore } from "./uploads.ts";
import type { UserStore } from "./users.ts";

export interface Store {
  users: UserStore;
  logins: LoginStore;
  conversations: ConversationStore;
  conversationList: ConversationListStore;
  messageLog: MessageLog;
  receipts: ReceiptStore;
  search: SearchStore;
  contacts: ContactStore;
  uploads: UploadStore;
  bots: BotStore;
  botOutbox: BotOutbox;
}
