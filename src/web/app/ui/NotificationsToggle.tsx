// The setting of push notifications on this device: a toggle button (aria-pressed), or why it
// cannot be turned on here.
import type { Notifications } from "../model/notifications.ts";

export function NotificationsToggle({ notifications }: { notifications: Notifications }) {
  const state = notifications.state.value;
  const error = notifications.error.value;
  if (state === "unsupported") return null;
  const on = state === "on";
  return (
    <div class="notifications-setting">
      <button
        type="button"
        class="quiet"
        aria-pressed={on}
        disabled={state === "working" || state === "denied"}
        title={state === "denied" ? "Notifications are blocked in this browser's settings" : "Notify this device of new messages while Parley is closed"}
        onClick={() => void (on ? notifications.disable() : notifications.enable())}
      >
        {state === "denied" ? "Notifications blocked" : on ? "Notifications on" : "Enable notifications"}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
