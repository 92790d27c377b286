// What survives a reload: the login (so the app stays logged in) and this tab's device name.
// The SDK rotates the refresh token on every renewal; onTokens saves each new pair here, because
// a spent refresh token presented again would revoke the whole login.
import type { AuthResponse, Tokens, User } from "parley/client";

const LOGIN_KEY = "parley:login";
const DEVICE_KEY = "parley:device";

interface SavedLogin {
  user: User;
  accessToken: string;
  refreshToken: string;
  /** ms since the epoch: expiresIn counts from when the pair was issued, not from the reload */
  expiresAt: number;
}

export interface Login {
  user: User;
  tokens: Tokens;
}

export function loadLogin(): Login | null {
  try {
    const saved = JSON.parse(localStorage.getItem(LOGIN_KEY) ?? "null") as SavedLogin | null;
    if (!saved?.user?.id || !saved.refreshToken) return null;
    const expiresIn = Math.max(0, Math.floor((saved.expiresAt - Date.now()) / 1000));
    return { user: saved.user, tokens: { accessToken: saved.accessToken, refreshToken: saved.refreshToken, expiresIn } };
  } catch {
    return null;
  }
}

export function saveLogin(auth: AuthResponse): void {
  const saved: SavedLogin = {
    user: auth.user,
    accessToken: auth.accessToken,
    refreshToken: auth.refreshToken,
    expiresAt: Date.now() + auth.expiresIn * 1000,
  };
  localStorage.setItem(LOGIN_KEY, JSON.stringify(saved));
}

export function clearLogin(): void {
  localStorage.removeItem(LOGIN_KEY);
}

/**
 * This tab's device name. Per tab (sessionStorage, kept across reloads), because the server
 * closes an older socket of the same device: two tabs sharing one name would keep kicking
 * each other out.
 */
export function deviceName(): string {
  let device = sessionStorage.getItem(DEVICE_KEY);
  if (!device) sessionStorage.setItem(DEVICE_KEY, (device = `web-${crypto.randomUUID()}`));
  return device;
}
