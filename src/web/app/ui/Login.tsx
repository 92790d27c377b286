// Log in or sign up. The new token pair is saved (a reload stays logged in) and handed up.
import { useState } from "preact/hooks";
import { ParleyHttp, type AuthResponse } from "parley/client";
import { saveLogin, type Login as LoginData } from "../session.ts";
import { describeError } from "./errors.ts";

type Mode = "login" | "register";

export function Login({ notice, onLogin }: { notice: string; onLogin(login: LoginData): void }) {
  const [mode, setMode] = useState<Mode>("login");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const username = String(form.get("username") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const displayName = String(form.get("displayName") ?? "").trim();
    const http = new ParleyHttp(location.origin);
    setBusy(true);
    setError("");
    try {
      const auth: AuthResponse =
        mode === "login"
          ? await http.login({ username, password })
          : await http.register({ username, password, ...(displayName ? { displayName } : {}) });
      saveLogin(auth);
      onLogin({ user: auth.user, tokens: auth });
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  const registering = mode === "register";
  return (
    <main class="login">
      <h1>Parley</h1>
      {notice && <p class="notice" role="status">{notice}</p>}
      <form onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">{registering ? "Create an account" : "Log in"}</h2>
        <label>
          Username
          <input name="username" autocomplete="username" required minLength={3} maxLength={32} autoFocus aria-describedby={registering ? "username-hint" : undefined} />
        </label>
        {registering && <p id="username-hint" class="hint">3–32 letters, digits, _ . or -</p>}
        {registering && (
          <label>
            Display name <span class="hint">(optional)</span>
            <input name="displayName" autocomplete="nickname" maxLength={64} />
          </label>
        )}
        <label>
          Password
          <input name="password" type="password" autocomplete={registering ? "new-password" : "current-password"} required minLength={registering ? 8 : 1} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>{registering ? "Sign up" : "Log in"}</button>
      </form>
      <p>
        {registering ? "Have an account? " : "New here? "}
        <button type="button" class="link" onClick={() => { setMode(registering ? "login" : "register"); setError(""); }}>
          {registering ? "Log in" : "Create an account"}
        </button>
      </p>
    </main>
  );
}
