// The Store on drizzle-orm over SQLite-family databases (libSQL on Bun, D1 on Workers): one
// implementation per concern (src/store/sql/), all on the same database.
import type { Store } from "../core/store/index.ts";
import { DEFAULT_MAX_PARAMS, type SqlDb } from "./sql/db.ts";
import { SqlContactStore } from "./sql/contacts.ts";
import { SqlBotOutbox } from "./sql/bot-outbox.ts";
import { SqlBotStore } from "./sql/bots.ts";
import { SqlConversationStore } from "./sql/conversations.ts";
import { SqlConversationListStore } from "./sql/conversation-list.ts";
import { SqlLoginStore } from "./sql/logins.ts";
import { SqlMessageLog } from "./sql/message-log.ts";
import { SqlReceiptStore } from "./sql/receipts.ts";
import { SqlSearchStore } from "./sql/search.ts";
import { SqlUploadStore } from "./sql/uploads.ts";
import { SqlUserStore } from "./sql/users.ts";

export interface SqlStoreOptions {
  /** most bound parameters one statement may carry (D1: 100) */
  maxParams?: number;
}

export function sqlStore(db: SqlDb, options: SqlStoreOptions = {}): Store {
  const maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
  return {
    users: new SqlUserStore(db, maxParams),
    logins: new SqlLoginStore(db),
    conversations: new SqlConversationStore(db, maxParams),
    conversationList: new SqlConversationListStore(db),
    messageLog: new SqlMessageLog(db),
    receipts: new SqlReceiptStore(db),
    search: new SqlSearchStore(db),
    contacts: new SqlContactStore(db),
    uploads: new SqlUploadStore(db),
    bots: new SqlBotStore(db, maxParams),
    botOutbox: new SqlBotOutbox(db, maxParams),
  };
}
