// Drawing the console: queue counts, the conversation list, one conversation with its
// transcript, the roster and the banner. Text only ever goes in through textContent.

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/// Which queue a conversation is in, for the agent `me` (as `/v1/conversations` sorts them).
export function queuesOf(session, me) {
  if (session.status === "closed") return ["closed"];
  const responder = session.responder ?? { kind: "bot" };
  if (responder.kind === "waitingForAgent") return ["waiting"];
  if (responder.kind === "agent") return responder.agentId === me ? ["mine", "team"] : ["team"];
  return ["bot"];
}

/// An agent's name for people: "You", their name, or their id.
export function agentName(agentId, names, me) {
  if (agentId === me) return "You";
  return names.get(agentId) ?? agentId;
}

export function showBanner(text) {
  const banner = $("banner");
  banner.textContent = text ?? "";
  banner.hidden = !text;
}

export function renderCounts(counts) {
  for (const button of document.querySelectorAll("#queues button")) {
    const count = counts[button.dataset.queue];
    button.querySelector(".count").textContent = count === undefined ? "" : String(count);
  }
}

export function renderTabs(queue) {
  for (const button of document.querySelectorAll("#queues button")) {
    button.classList.toggle("active", button.dataset.queue === queue);
    button.setAttribute("aria-pressed", String(button.dataset.queue === queue));
  }
}

/// The list of `sessions`; `previews` maps a session id to its last message text.
export function renderList(sessions, selectedId, previews, onPick) {
  const list = $("conversations");
  list.replaceChildren();
  if (sessions.length === 0) list.append(element("li", "empty", "No conversations here."));
  for (const session of sessions) {
    const item = element("li", "conversation-item");
    item.dataset.sessionId = session.id;
    item.classList.toggle("selected", session.id === selectedId);
    const top = element("div", "item-top");
    top.append(element("span", "badge", session.key.channel), element("span", "contact-id", session.key.contact));
    if (isEscalated(session)) {
      const late = element("span", "badge escalated", "SLA missed");
      late.title = `Nobody took it in time: escalated at ${clock(session.escalatedAt)}`;
      top.append(late);
    }
    item.append(top, element("div", "preview", previews.get(session.id) ?? ""));
    item.addEventListener("click", () => onPick(session.id));
    list.append(item);
  }
}

/// A time of day for people, from the API's RFC 3339 text.
const clock = (when) => new Date(when).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/// Whether a waiting conversation went past its SLA (escalated, nobody took it yet).
const isEscalated = (session) =>
  session.status !== "closed" && session.responder?.kind === "waitingForAgent" && !!session.escalatedAt;

function responderText(session, names, me) {
  if (session.status === "closed") return "Closed";
  const responder = session.responder ?? { kind: "bot" };
  if (responder.kind === "waitingForAgent") {
    const since = responder.since ? ` since ${clock(responder.since)}` : "";
    const late = isEscalated(session) ? ` · SLA missed at ${clock(session.escalatedAt)}` : "";
    return `Waiting for an agent${since}${late}`;
  }
  if (responder.kind === "agent") {
    const who = agentName(responder.agentId, names, me);
    return who === "You" ? "You are answering" : `${who} is answering`;
  }
  return "The bot is answering";
}

/// The open conversation's head: channel, contact, who answers, and the buttons that apply.
export function renderConversation(session, names, me) {
  $("empty").hidden = !!session;
  $("open").hidden = !session;
  if (!session) return;
  $("channel").textContent = session.key.channel;
  $("contact").textContent = session.key.contact;
  $("responder").textContent = responderText(session, names, me);
  const open = session.status !== "closed";
  const owner = session.responder?.kind === "agent" ? session.responder.agentId : null;
  $("take-over").hidden = !open || owner === me;
  const mine = open && owner === me;
  $("hand-back").hidden = !mine;
  $("transfer").hidden = !mine;
  $("transfer-to").hidden = !mine;
  $("close-conversation").hidden = !open;
  // A person took the conversation, or it ended: the bot's answer being written is dropped.
  if (!open || (session.responder?.kind ?? "bot") !== "bot") $("draft")?.remove();
}

function author(message, names, me) {
  const who = message.author ?? { kind: "system" };
  if (who.kind === "contact") return "Visitor";
  if (who.kind === "bot") return "Bot";
  if (who.kind === "agent") return agentName(who.agentId, names, me);
  return "System";
}

function messageItem(message, names, me) {
  const note = message.direction === "internal";
  const kind = note ? "note" : message.author?.kind ?? "system";
  const item = element("li", `msg ${kind}`);
  item.dataset.seq = String(message.seq);
  const label = note ? `Private note · ${author(message, names, me)}` : author(message, names, me);
  item.append(element("span", "who", label), element("span", "text", bodyText(message.body ?? {})));
  return item;
}

/// What a message says, as text: a prompt with choices lists them after it.
function bodyText(body) {
  if (body.type === "interactive") {
    const choices = body.choices ?? {};
    const options = (choices.kind === "list" ? choices.rows : choices.buttons) ?? [];
    return `${body.text} [${options.map((option) => option.title).join(" | ")}]`;
  }
  if (body.type === "reaction") return body.emoji ? `Reacted ${body.emoji}` : "Reaction removed";
  return body.text ?? body.caption ?? (body.url ? `[${body.mediaType}] ${body.url}` : `[${body.type}]`);
}

export function renderTranscript(messages, names, me) {
  $("transcript").replaceChildren(...messages.map((message) => messageItem(message, names, me)));
  scrollDown();
}

/// Adds a message unless the transcript shows it already; the bot's message replaces the draft
/// of its answer.
export function appendMessage(message, names, me) {
  const transcript = $("transcript");
  if (transcript.querySelector(`[data-seq="${message.seq}"]`)) return;
  if (message.author?.kind === "bot") $("draft")?.remove();
  transcript.append(messageItem(message, names, me));
  scrollDown();
}

/// Shows the bot's answer as written so far, after the message it answers, until the answer
/// itself arrives.
export function showDraft(text) {
  let item = $("draft");
  if (!item) {
    item = element("li", "msg bot draft");
    item.id = "draft";
    item.append(element("span", "who", "Bot · writing…"), element("span", "text", ""));
    $("transcript").append(item);
  }
  item.querySelector(".text").textContent = text;
  scrollDown();
}

function scrollDown() {
  const transcript = $("transcript");
  transcript.scrollTop = transcript.scrollHeight;
}

/// Colleagues at a console (`presence` maps agent id to status), with their names.
export function renderRoster(presence, names, me) {
  const roster = $("roster");
  roster.replaceChildren();
  for (const [agentId, status] of [...presence].sort()) {
    const item = element("li", `colleague ${status}`);
    item.append(element("span", "dot"), element("span", "name", agentName(agentId, names, me)),
      element("span", "status", status));
    roster.append(item);
  }
}

/// The colleagues a conversation may be transferred to.
export function renderTransferTargets(agents, me) {
  const select = $("transfer-to");
  select.replaceChildren(element("option", "", "Transfer to…"));
  select.firstChild.value = "";
  for (const agent of agents.filter((agent) => agent.id !== me)) {
    const option = element("option", "", agent.name);
    option.value = agent.id;
    select.append(option);
  }
}
