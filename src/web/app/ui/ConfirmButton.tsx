// A button for something that cannot be undone: pressing it asks first, in place ("Recall for
// everyone? Recall / Cancel"), with the keyboard on the answer.
import { useEffect, useRef, useState } from "preact/hooks";

interface Props {
  label: string;
  /** what a screen reader says for the button, when the label alone is not enough ("Remove Cat") */
  name?: string;
  question: string;
  /** the answer that does it (default: the label) */
  yes?: string;
  onConfirm(): void;
}

export function ConfirmButton({ label, name, question, yes = label, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  const answer = useRef<HTMLButtonElement>(null);
  useEffect(() => void (asking && answer.current?.focus()), [asking]);
  if (!asking) {
    return <button type="button" class="quiet" aria-label={name} onClick={() => setAsking(true)}>{label}</button>;
  }
  return (
    <span class="confirm" role="group" aria-label={question}>
      {question}{" "}
      <button ref={answer} type="button" class="danger" onClick={() => (setAsking(false), onConfirm())}>{yes}</button>
      <button type="button" class="quiet" onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
