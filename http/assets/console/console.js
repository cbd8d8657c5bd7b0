// The agents' console: signs the agent in, keeps the queues and the open conversation current
// from the live feed, and turns the buttons and the reply box into API calls.

import { ApiError, call, currentUser, forget, signIn, signOut } from "./api.js";
import { setUpAssist } from "./assist.js";
import { setUpComposer } from "./composer.js";
import { startDashboard } from "./dashboard.js";
import { connectLive } from "./live.js";
import { typingBoard, typingReporter } from "./typing.js";
import * as view from "./view.js";

const $ = (id) => document.getElementById(id);
const QUEUES = ["bot", "waiting", "mine", "team", "closed"];
const LIVE_CHAT = "11";

const state = {
  me: null,
  names: new Map(),
  agents: [],
  canned: [],
  queue: "waiting",
  sessions: [],
  selected: null,
  previews: new Map(),
  presence: new Map(),
  live: null,
  dashboard: null,
};

/// Who is typing in which conversation, as the open one's line shows it.
const typists = typingBoard((notice) =>
  notice.by === "agent" ? view.agentName(notice.agentId, state.names, state.me) : "Visitor");

/// Whether the open conversation is answered by this agent.
const ownsOpen = () =>
  state.selected?.status !== "closed" &&
  state.selected?.responder?.kind === "agent" &&
  state.selected.responder.agentId === state.me;

/// The agent's typing, started only in a conversation they own.
const myTyping = typingReporter((typing) => {
  if (!state.live || !state.selected || (typing && !ownsOpen())) return false;
  state.live.setTyping(state.selected.id, typing);
  return true;
});

function fail(error) {
  if (error instanceof ApiError && (error.status === 401 || error.code === "unauthorized")) {
    forget();
    showSignIn("Your sign-in ended; sign in again.");
    return;
  }
  view.showBanner(error.message);
}

const listed = async (path) => (await call("GET", path)).items ?? [];

// ---- queues and the list ---------------------------------------------------------------

async function loadQueues() {
  const pages = await Promise.all(QUEUES.map((queue) =>
    call("GET", `/v1/conversations?queue=${queue}&limit=200`)));
  const counts = {};
  pages.forEach((page, index) => {
    counts[QUEUES[index]] = `${page.items.length}${page.nextCursor ? "+" : ""}`;
  });
  state.sessions = pages[QUEUES.indexOf(state.queue)].items;
  view.renderCounts(counts);
  view.renderTabs(state.queue);
  view.renderList(state.sessions, state.selected?.id, state.previews, pick);
}

let reload = null;
/// The suggested replies of the open conversation (`assist.js`), once wired.
let assist = null;

/// Reloads the queues soon, once for a burst of live events.
function queuesChanged() {
  clearTimeout(reload);
  reload = setTimeout(() => loadQueues().catch(fail), 150);
}

// ---- the open conversation ---------------------------------------------------------------

async function pick(sessionId) {
  view.showBanner(null);
  const [session, transcript] = await Promise.all([
    call("GET", `/v1/sessions/${sessionId}`),
    call("GET", `/v1/sessions/${sessionId}/transcript?limit=500`),
  ]).catch((error) => {
    fail(error);
    return [null, null];
  });
  if (!session) return;
  myTyping.stopped();
  if (state.selected?.id !== session.id) assist?.clear();
  state.selected = session;
  view.renderConversation(session, state.names, state.me);
  view.renderTranscript(transcript.items, state.names, state.me);
  typists.show(session.id);
  view.renderList(state.sessions, session.id, state.previews, pick);
}

function showSession(session) {
  if (state.selected?.id !== session.id) return;
  state.selected = session;
  view.renderConversation(session, state.names, state.me);
}

/// Runs a conversation action (`takeover`, `handback`, `transfer`, `close`) on the open
/// conversation.
async function act(action, body) {
  if (!state.selected) return;
  view.showBanner(null);
  try {
    showSession(await call("POST", `/v1/sessions/${state.selected.id}/${action}`, body));
    queuesChanged();
  } catch (error) {
    fail(error);
  }
}

async function send(text, isNote) {
  if (!state.selected) return false;
  view.showBanner(null);
  const path = `/v1/sessions/${state.selected.id}/${isNote ? "notes" : "messages"}`;
  const body = isNote ? { text } : { text, clientMessageId: crypto.randomUUID() };
  try {
    const posted = await call("POST", path, body);
    view.appendMessage(posted.message, state.names, state.me);
    return true;
  } catch (error) {
    fail(error);
    return false;
  }
}

// ---- live events -------------------------------------------------------------------------

const onLive = {
  message({ sessionId, message }) {
    const body = message.body ?? {};
    state.previews.set(sessionId, body.text ?? body.caption ?? `[${body.type}]`);
    if (message.direction === "inbound") typists.contactSent(sessionId);
    if (state.selected?.id === sessionId) view.appendMessage(message, state.names, state.me);
    view.renderList(state.sessions, state.selected?.id, state.previews, pick);
    queuesChanged();
    state.dashboard?.changed();
  },
  session({ session }) {
    showSession(session);
    queuesChanged();
    state.dashboard?.changed();
  },
  presence({ agentId, status }) {
    if (status === "offline") state.presence.delete(agentId);
    else state.presence.set(agentId, status);
    if (agentId === state.me) $("presence").value = status;
    view.renderRoster(state.presence, state.names, state.me);
  },
  typing(notice) {
    typists.heard(notice);
  },
  draft({ sessionId, draft }) {
    if (state.selected?.id === sessionId) view.showDraft(draft.text);
  },
  roster({ agents }) {
    state.presence = new Map(agents.map((agent) => [agent.agentId, agent.status]));
    view.renderRoster(state.presence, state.names, state.me);
  },
  error(error) {
    view.showBanner(error?.message ?? "The live feed reported an error.");
  },
  connection(text) {
    $("connection").textContent = text;
  },
};

// ---- signing in and out ------------------------------------------------------------------

async function loadColleagues(user) {
  const name = (person) => [person.firstName, person.lastName].filter(Boolean).join(" ") || person.email;
  // Listing users needs User Management; without it the console knows only the agent.
  const users = await listed("/v1/users?limit=200").catch(() => [user]);
  state.names = new Map(users.map((person) => [person.id, name(person)]));
  state.agents = users
    .filter((person) => person.status === "ACTIVE" && (person.modules ?? []).includes(LIVE_CHAT))
    .map((person) => ({ id: person.id, name: name(person) }));
  view.renderTransferTargets(state.agents, state.me);
}

/// Shows the dashboard in place of the conversations, or the conversations again.
function showDashboard(shown) {
  $("panes").hidden = shown;
  $("app").classList.toggle("on-dashboard", shown);
  if (shown) state.dashboard?.show();
  else state.dashboard?.hide();
}

function showSignIn(message) {
  showDashboard(false);
  state.live?.close();
  state.live = null;
  state.dashboard?.stop();
  state.dashboard = null;
  $("app").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message ?? "";
}

async function showApp(user) {
  state.me = user.id;
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("me").textContent = user.email;
  await loadColleagues(user);
  state.canned = await listed("/v1/canned-responses?limit=200").catch(() => []);
  state.live = connectLive(onLive);
  state.dashboard = startDashboard($("dashboard"), $("dashboard-tab"));
  await loadQueues();
}

function wire() {
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await showApp(await signIn($("email").value.trim(), $("password").value));
    } catch (error) {
      $("sign-in-error").textContent = error.message;
    }
  });
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    showSignIn("Signed out.");
  });
  for (const button of document.querySelectorAll("#queues button")) {
    button.addEventListener("click", () => {
      state.queue = button.dataset.queue;
      showDashboard(false);
      loadQueues().catch(fail);
    });
  }
  $("dashboard-tab").addEventListener("click", () => showDashboard(true));
  $("presence").addEventListener("change", () => state.live?.setPresence($("presence").value));
  $("take-over").addEventListener("click", () => act("takeover"));
  $("hand-back").addEventListener("click", () => act("handback"));
  $("close-conversation").addEventListener("click", () => act("close"));
  $("transfer").addEventListener("click", () => {
    const agentId = $("transfer-to").value;
    if (agentId) act("transfer", { agentId });
    else view.showBanner("Choose a colleague to transfer to.");
  });
  setUpComposer({ send, canned: () => state.canned, typing: myTyping });
  assist = setUpAssist({ selected: () => state.selected, fail });
}

wire();
const user = currentUser();
if (user) showApp(user).catch(fail);
else showSignIn();
