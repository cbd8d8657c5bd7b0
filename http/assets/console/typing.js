// Typing indicators in the console, both ways.
//
// Out: while the agent writes a reply (not a private note) in a conversation they own, the
// console says "typing" at most every few seconds and "stopped" once the box has been idle
// for a while, is emptied or sent. The server shows it to the contact where the channel can.
//
// In: the contact's typing (and a colleague's, in a conversation they own) arrives as
// `typing` notices; the line under the open conversation's transcript says who is typing and
// goes off when they stop, or when no refresh came for a while (a lost "stopped").

const $ = (id) => document.getElementById(id);

const REPEAT_MS = 2_500;
const IDLE_MS = 4_000;
const SHOWN_MS = 8_000;

/// What the agent's typing is reported through: `report(isTyping)` emits it and says whether
/// it did (the caller decides whether the open conversation is the agent's). A stop is
/// reported only after a start was. Returns `{input(text), stopped()}`.
export function typingReporter(report) {
  let typing = false;
  let lastSaid = 0;
  let idle = null;
  const stopped = () => {
    clearTimeout(idle);
    if (!typing) return;
    typing = false;
    report(false);
  };
  return {
    input(text) {
      if (!text.trim()) return stopped();
      const now = Date.now();
      if (!typing || now - lastSaid >= REPEAT_MS) {
        typing = report(true) || typing;
        lastSaid = now;
      }
      clearTimeout(idle);
      idle = setTimeout(stopped, IDLE_MS);
    },
    stopped,
  };
}

/// Who is typing where: `heard(notice)` takes a `typing` notice, `show(sessionId)` redraws
/// the line for the open conversation; `name(notice)` says who a notice is about.
export function typingBoard(name) {
  const typists = new Map();
  let open = null;
  let expiry = null;

  const draw = () => {
    const line = $("typing");
    const now = Date.now();
    const here = [...(typists.get(open)?.values() ?? [])].filter((entry) => entry.until > now);
    line.textContent = here.length
      ? `${here.map((entry) => entry.who).join(" and ")} ${here.length > 1 ? "are" : "is"} typing…`
      : "";
    line.hidden = here.length === 0;
    clearTimeout(expiry);
    if (here.length) expiry = setTimeout(draw, Math.min(...here.map((entry) => entry.until)) - now + 50);
  };

  return {
    heard(notice) {
      const key = notice.by === "agent" ? `agent:${notice.agentId}` : "contact";
      const session = typists.get(notice.sessionId) ?? new Map();
      if (notice.typing) session.set(key, { who: name(notice), until: Date.now() + SHOWN_MS });
      else session.delete(key);
      typists.set(notice.sessionId, session);
      if (notice.sessionId === open) draw();
    },
    /// Shows the line of `sessionId` (null: no conversation open).
    show(sessionId) {
      open = sessionId;
      draw();
    },
    /// The contact's message arrived: whatever they were typing is sent.
    contactSent(sessionId) {
      typists.get(sessionId)?.delete("contact");
      if (sessionId === open) draw();
    },
  };
}
