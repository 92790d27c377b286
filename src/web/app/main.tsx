// The web chat app: the login screen, or the chat of the saved login.
import { signal } from "@preact/signals";
import { render } from "preact";
import { Chat } from "./chat.ts";
import { loadLogin, type Login as LoginData } from "./session.ts";
import { ChatScreen } from "./ui/ChatScreen.tsx";
import { Login } from "./ui/Login.tsx";

const chat = signal<Chat | null>(null);
const notice = signal("");

function signIn(login: LoginData): void {
  const next = new Chat(login, signOut);
  chat.value = next;
  void next.start();
}

function signOut(reason = ""): void {
  chat.value?.stop();
  chat.value = null;
  notice.value = reason;
  history.replaceState(null, "", location.pathname);
}

function App() {
  const current = chat.value;
  return current ? <ChatScreen key={current.me.id} chat={current} /> : <Login notice={notice.value} onLogin={signIn} />;
}

const saved = loadLogin();
if (saved) signIn(saved);
render(<App />, document.getElementById("app")!);
