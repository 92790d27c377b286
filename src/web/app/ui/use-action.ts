// A request a screen makes on the user's behalf (accept a friend request, remove a member…): what
// the server refuses shows, in words, until the next one; `then` runs only after a success.
import { useState } from "preact/hooks";
import { describeError } from "./errors.ts";

export function useAction() {
  const [error, setError] = useState("");
  const act = async (action: () => Promise<unknown>, then?: () => void): Promise<void> => {
    setError("");
    try {
      await action();
      then?.();
    } catch (err) {
      setError(describeError(err));
    }
  };
  return { error, act };
}
