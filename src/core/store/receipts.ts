// Delivered/read receipts: per member, cumulative markers into the conversation's log that never
// move back.
import type { ReceiptState } from "../../schema/conversations.ts";

export interface ReceiptStore {
  markRead(convId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }>;
  markDelivered(convId: string, userId: string, seq: number): Promise<number>;
  receipts(convId: string): Promise<ReceiptState>;
}
