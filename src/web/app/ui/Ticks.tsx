// Where one of our messages is: sending (in the outbox), sent (committed), delivered (reached
// another member's device), read ("read by N" in groups). data-state is for the tests.
import type { MessageReceipt } from "../model/receipts.ts";

export type TickState = "failed" | "sending" | "sent" | "delivered" | "read";

export function tickState(receipt: MessageReceipt | null): TickState {
  if (!receipt) return "sending";
  if (receipt.others > 0 && receipt.read === receipt.others) return "read";
  if (receipt.read > 0 || receipt.delivered > 0) return "delivered";
  return "sent";
}

export function Ticks({ receipt, group, failed }: { receipt: MessageReceipt | null; group: boolean; failed?: boolean }) {
  const state: TickState = failed ? "failed" : tickState(receipt);
  const readBy = group && receipt && receipt.read > 0 ? `Read by ${receipt.read}` : null;
  const label = readBy ?? { failed: "Not sent", sending: "Sending", sent: "Sent", delivered: "Delivered", read: "Read" }[state];
  const marks = { failed: "!", sending: "◷", sent: "✓", delivered: "✓✓", read: "✓✓" }[state];
  return (
    <span class={`ticks ${state}`} data-state={state} aria-label={label} title={label}>
      <span aria-hidden="true">{marks}</span>
      {readBy && <span class="read-by" aria-hidden="true"> {readBy}</span>}
    </span>
  );
}
