// BotWot web widget: a chat button and panel that talk to one BotWot bot over Socket.IO.
//
// Embed it with
//   <script src="https://YOUR-BOTWOT-HOST/widget.js" data-widget-key="wk_..." async></script>
// Optional attributes: data-open="true" opens the panel at once.
//
// The served /widget.js puts the Socket.IO client in front of this file and hands it over as
// the local `io`; nothing here touches the page's globals or styles (the UI lives in a shadow
// root). The visitor id is kept in localStorage, so a returning visitor continues the same
// conversation with its history.

var script = document.currentScript;
var widgetKey = script && script.getAttribute("data-widget-key");
if (!widgetKey) {
  console.error("botwot widget: the script tag needs a data-widget-key attribute");
  return;
}
var server = new URL(script.src, location.href).origin;
var startOpen = script.getAttribute("data-open") === "true";
var visitorKey = "botwot:visitor:" + widgetKey;
var memoryVisitorId = null;

function newId(prefix) {
  var bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  var hex = "";
  for (var i = 0; i < bytes.length; i++) {
    hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  }
  return prefix + "_" + hex;
}

function loadVisitorId() {
  try {
    var id = localStorage.getItem(visitorKey);
    if (!id) {
      id = newId("v");
      localStorage.setItem(visitorKey, id);
    }
    return id;
  } catch (storageBlocked) {
    memoryVisitorId = memoryVisitorId || newId("v");
    return memoryVisitorId;
  }
}

function saveVisitorId(id) {
  try {
    localStorage.setItem(visitorKey, id);
  } catch (storageBlocked) {
    memoryVisitorId = id;
  }
}

// ---- user interface -------------------------------------------------------------------

var STYLE = [
  ":host { all: initial; }",
  ".launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border: 0;",
  "  border-radius: 50%; color: #fff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25);",
  "  z-index: 2147483646; display: flex; align-items: center; justify-content: center; }",
  ".panel { position: fixed; right: 20px; bottom: 88px; width: 360px; max-width: calc(100vw - 40px);",
  "  height: 520px; max-height: calc(100vh - 120px); background: #fff; border-radius: 12px;",
  "  box-shadow: 0 8px 30px rgba(0,0,0,.25); display: none; flex-direction: column; overflow: hidden;",
  "  z-index: 2147483647; font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #111; }",
  ".panel.open { display: flex; }",
  ".header { color: #fff; padding: 12px 14px; display: flex; align-items: center; gap: 8px; }",
  ".header .name { font-weight: 600; flex: 1; }",
  ".header .state { font-size: 12px; opacity: .85; }",
  ".header button { background: transparent; border: 0; color: #fff; font-size: 20px; cursor: pointer; }",
  ".notice { background: #fef3c7; color: #92400e; padding: 6px 12px; font-size: 12px; display: none; }",
  ".notice.shown { display: block; }",
  ".messages { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 6px;",
  "  background: #f8fafc; }",
  ".msg { max-width: 80%; padding: 8px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }",
  ".msg.them { align-self: flex-start; background: #fff; border: 1px solid #e2e8f0; }",
  ".msg.me { align-self: flex-end; color: #fff; }",
  ".msg.me.pending { opacity: .6; }",
  ".msg.me.failed { background: #b91c1c !important; cursor: pointer; }",
  ".msg.them.draft { color: #475569; border-style: dashed; }",
  ".msg.system { align-self: center; background: transparent; color: #64748b; font-size: 12px; font-style: italic; }",
  ".msg .who { display: block; font-size: 11px; color: #64748b; margin-bottom: 2px; }",
  ".msg a { color: inherit; text-decoration: underline; }",
  ".msg .head { display: block; font-weight: 600; margin-bottom: 2px; }",
  ".msg .foot { display: block; font-size: 11px; color: #64748b; margin-top: 4px; }",
  ".msg .choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }",
  ".msg .choice { border: 1px solid #cbd5e1; background: #f8fafc; border-radius: 14px; padding: 4px 10px; font: inherit; font-size: 13px; cursor: pointer; }",
  ".typing { display: none; padding: 2px 12px 4px; font-size: 12px; color: #64748b; font-style: italic;",
  "  background: #f8fafc; }",
  ".typing.shown { display: block; }",
  ".rate { display: none; padding: 8px 12px; border-top: 1px solid #e2e8f0; font-size: 13px; background: #fff; }",
  ".rate.shown { display: block; }",
  ".rate button { margin: 0 2px; padding: 2px 9px; border: 1px solid #cbd5e1; border-radius: 6px;",
  "  background: #fff; font: inherit; cursor: pointer; }",
  "form { display: flex; border-top: 1px solid #e2e8f0; }",
  "textarea { flex: 1; border: 0; padding: 10px 12px; font: inherit; resize: none; height: 42px; outline: none; }",
  "form button { border: 0; color: #fff; padding: 0 16px; font: inherit; font-weight: 600; cursor: pointer; }",
  "form button:disabled { opacity: .5; cursor: default; }",
].join("\n");

var CHAT_ICON =
  '<svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" ' +
  'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5' +
  'a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';

var host = document.createElement("div");
host.setAttribute("data-botwot-widget", "");
var root = host.attachShadow({ mode: "open" });
root.innerHTML =
  "<style>" + STYLE + "</style>" +
  '<button class="launcher" type="button" aria-label="Open chat">' + CHAT_ICON + "</button>" +
  '<section class="panel" role="dialog" aria-label="Chat">' +
  '  <div class="header"><span class="name">Chat</span><span class="state">connecting…</span>' +
  '    <button type="button" class="close" aria-label="Close chat">×</button></div>' +
  '  <div class="notice" role="status"></div>' +
  '  <div class="messages" aria-live="polite"></div>' +
  '  <div class="typing" aria-live="polite">Agent is typing…</div>' +
  '  <div class="rate" role="group" aria-label="Rate this conversation"><span class="ask">How did we do?</span> ' +
  '    <button type="button" data-score="1">1</button><button type="button" data-score="2">2</button>' +
  '<button type="button" data-score="3">3</button><button type="button" data-score="4">4</button>' +
  '<button type="button" data-score="5">5</button></div>' +
  '  <form><textarea placeholder="Write a message…" aria-label="Message" rows="1"></textarea>' +
  '    <button type="submit">Send</button></form>' +
  "</section>";

var ui = {
  launcher: root.querySelector(".launcher"),
  panel: root.querySelector(".panel"),
  header: root.querySelector(".header"),
  name: root.querySelector(".name"),
  state: root.querySelector(".state"),
  close: root.querySelector(".close"),
  notice: root.querySelector(".notice"),
  messages: root.querySelector(".messages"),
  typing: root.querySelector(".typing"),
  rate: root.querySelector(".rate"),
  rateAsk: root.querySelector(".rate .ask"),
  form: root.querySelector("form"),
  input: root.querySelector("textarea"),
  send: root.querySelector("form button"),
};

function setColor(color) {
  [ui.launcher, ui.header, ui.send].forEach(function (element) {
    element.style.background = color;
  });
  accentColor = color;
  render();
}

function setOpen(open) {
  var opening = open && !ui.panel.classList.contains("open");
  ui.panel.classList.toggle("open", open);
  if (open) {
    ui.input.focus();
  }
  // The widget's use, for the dashboard; buffered by the client until the socket connects.
  if (opening) socket.emit("track", { event: "opened" });
}

function showNotice(text) {
  ui.notice.textContent = text || "";
  ui.notice.classList.toggle("shown", !!text);
}

ui.launcher.addEventListener("click", function () {
  setOpen(!ui.panel.classList.contains("open"));
});
ui.close.addEventListener("click", function () {
  setOpen(false);
});

// ---- conversation ----------------------------------------------------------------------

var accentColor = "#2563eb";
// Stored messages by id, plus the visitor's own messages still on their way (by client id).
var stored = new Map();
var sending = new Map();

function authorLabel(author) {
  if (author.kind === "agent") return "Agent";
  return "";
}

function bubble(message, extraClass) {
  var element = document.createElement("div");
  var mine = message.direction === "inbound";
  var system = message.author && message.author.kind === "system";
  element.className = "msg " + (system ? "system" : mine ? "me" : "them") + (extraClass || "");
  if (mine) {
    element.style.background = accentColor;
  }
  var label = !mine && !system ? authorLabel(message.author) : "";
  if (label) {
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label;
    element.appendChild(who);
  }
  var body = message.body || {};
  if (body.type === "media" && /^https:\/\//.test(body.url || "")) {
    // An attachment: a link that opens it (the page's own policy decides what it may show).
    var link = document.createElement("a");
    link.href = body.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = "[" + (body.mediaType || "file") + "]";
    element.appendChild(link);
    if (body.caption) element.appendChild(document.createTextNode(" " + body.caption));
    return element;
  }
  if (body.type === "interactive") {
    appendChoices(element, body);
    return element;
  }
  if (body.type === "reaction") {
    element.appendChild(document.createTextNode(body.emoji ? "Reacted " + body.emoji : "Reaction removed"));
    return element;
  }
  var text = body.type === "text" ? body.text : body.caption || "[" + (body.type || "message") + "]";
  element.appendChild(document.createTextNode(text));
  return element;
}

// A prompt with buttons or a list: each choice is a button that sends its title as the
// visitor's next message, as a tap on WhatsApp or Messenger does.
function appendChoices(element, body) {
  var part = function (className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    element.appendChild(span);
  };
  if (body.header) part("head", body.header);
  element.appendChild(document.createTextNode(body.text || ""));
  if (body.footer) part("foot", body.footer);
  var choices = body.choices || {};
  var options = (choices.kind === "list" ? choices.rows : choices.buttons) || [];
  var row = document.createElement("div");
  row.className = "choices";
  options.forEach(function (option) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "choice";
    button.textContent = option.title;
    if (option.description) button.title = option.description;
    button.addEventListener("click", function () {
      sendText(option.title);
    });
    row.appendChild(button);
  });
  element.appendChild(row);
}

function render() {
  var ordered = Array.from(stored.values()).sort(function (a, b) {
    return a.seq - b.seq;
  });
  ui.messages.textContent = "";
  ordered.forEach(function (message) {
    ui.messages.appendChild(bubble(message));
  });
  if (draft) {
    ui.messages.appendChild(
      bubble({ direction: "outbound", author: { kind: "bot" }, body: { type: "text", text: draft.text } }, " draft")
    );
  }
  sending.forEach(function (entry) {
    var element = bubble(entry.message, entry.failed ? " failed" : " pending");
    if (entry.failed) {
      element.title = entry.failed + " (click to retry)";
      element.addEventListener("click", function () {
        entry.failed = null;
        transmit(entry);
        render();
      });
    }
    ui.messages.appendChild(element);
  });
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function lastSeq() {
  var last = 0;
  stored.forEach(function (message) {
    last = Math.max(last, message.seq);
  });
  return last;
}

function remember(message) {
  if (message && message.id) {
    stored.set(message.id, message);
    if (message.providerMessageId) {
      // The server stores our client id as "<visitorId>/<clientMessageId>".
      var id = message.providerMessageId;
      sending.delete(id.slice(id.indexOf("/") + 1));
    }
  }
}

function describeNotice(notice) {
  if (notice.type === "statusChanged" && notice.status === "closed") {
    return "This conversation has ended. Write again to start it anew.";
  }
  if (notice.type === "responderChanged") {
    var kind = notice.responder && notice.responder.kind;
    if (kind === "waitingForAgent") return "Connecting you to a person…";
    if (kind === "agent") return "A person has joined the conversation.";
    if (kind === "bot") return "You are chatting with the bot again.";
  }
  return "";
}

// ---- connection ------------------------------------------------------------------------

var socket = io(server + "/widget", {
  auth: function (send) {
    send({ widgetKey: widgetKey, visitorId: loadVisitorId() });
  },
});

var loadTracked = false;

socket.on("connect", function () {
  if (!loadTracked) {
    loadTracked = true;
    socket.emit("track", { event: "loaded" });
  }
  ui.state.textContent = "online";
  showNotice("");
  sending.forEach(function (entry) {
    if (!entry.inFlight && !entry.failed) transmit(entry);
  });
});

socket.on("disconnect", function () {
  ui.state.textContent = "reconnecting…";
});

socket.on("connect_error", function (error) {
  ui.state.textContent = "offline";
  var message = String((error && error.message) || error);
  var code = message.split(":")[0];
  var reason = message.slice(code.length + 1).trim() || message;
  showNotice("Chat unavailable: " + reason);
  if (!socket.active && ["overloaded", "storage_unavailable", "shutting_down"].indexOf(code) >= 0) {
    setTimeout(function () {
      socket.connect();
    }, 5000);
  }
});

socket.on("session", function (info) {
  saveVisitorId(info.visitorId);
  ui.name.textContent = info.bot.name;
  setColor(info.bot.color);
});

socket.on("history", function (history) {
  history.messages.forEach(remember);
  render();
});

socket.on("message", function (message) {
  if (message.author && message.author.kind === "agent") showAgentTyping(false);
  if (message.direction === "outbound") settleDraft();
  remember(message);
  render();
});

// ---- answers while they are written -------------------------------------------------------

// A language model's answer shows as a draft (the whole answer so far) until the answer itself
// arrives as a message, or a person takes over. A draft for a question already settled (one
// that arrives late) is not shown again.
var draft = null;
var settledUpTo = 0;

function settleDraft() {
  if (draft) settledUpTo = Math.max(settledUpTo, draft.inReplyTo);
  draft = null;
}

socket.on("draft", function (next) {
  if (!next || typeof next.text !== "string" || next.inReplyTo <= settledUpTo) return;
  if (draft && next.inReplyTo < draft.inReplyTo) return;
  // Drafts are sent independently and may overtake one another: an older, shorter one that the
  // shown draft already contains is not shown again.
  var older = draft && next.inReplyTo === draft.inReplyTo && next.text.length < draft.text.length;
  if (older && draft.text.indexOf(next.text) === 0) return;
  draft = next;
  render();
});

// ---- rating the conversation -------------------------------------------------------------

// When the conversation ends the visitor may rate it from 1 to 5; the latest rating counts.
function askForRating() {
  ui.rateAsk.textContent = "How did we do?";
  ui.rate.querySelectorAll("button").forEach(function (button) {
    button.hidden = false;
  });
  ui.rate.classList.add("shown");
}

ui.rate.addEventListener("click", function (event) {
  var score = Number(event.target && event.target.getAttribute("data-score"));
  if (!score) return;
  socket.timeout(15000).emit("rating", { score: score }, function (timedOut, ack) {
    if (timedOut || !ack.ok) {
      ui.rateAsk.textContent = timedOut ? "Not sent; try again." : ack.error.message;
      return;
    }
    ui.rateAsk.textContent = "Thank you for your rating.";
    ui.rate.querySelectorAll("button").forEach(function (button) {
      button.hidden = true;
    });
  });
});

// ---- typing, both ways -----------------------------------------------------------------

// The agent's typing: shown until they stop, their message arrives, or no refresh came for a
// while (the server repeats "typing" every few seconds while it lasts).
var AGENT_TYPING_SHOWN_MS = 8000;
var agentTypingOff = null;

function showAgentTyping(typing) {
  clearTimeout(agentTypingOff);
  ui.typing.classList.toggle("shown", typing);
  if (typing) {
    agentTypingOff = setTimeout(function () {
      showAgentTyping(false);
    }, AGENT_TYPING_SHOWN_MS);
  }
}

socket.on("typing", function (notice) {
  showAgentTyping(!!(notice && notice.typing));
});

// The visitor's typing: said when they start, again every few seconds while they go on, and
// "stopped" once the box is idle, emptied or sent.
var TYPING_REPEAT_MS = 2500;
var TYPING_IDLE_MS = 4000;
var visitorTyping = false;
var visitorTypingSaid = 0;
var visitorIdle = null;

function visitorStopped() {
  clearTimeout(visitorIdle);
  if (!visitorTyping) return;
  visitorTyping = false;
  socket.emit("typing", { typing: false });
}

function visitorTyped() {
  if (!ui.input.value.trim()) return visitorStopped();
  var now = Date.now();
  if (!visitorTyping || now - visitorTypingSaid >= TYPING_REPEAT_MS) {
    visitorTyping = true;
    visitorTypingSaid = now;
    socket.emit("typing", { typing: true });
  }
  clearTimeout(visitorIdle);
  visitorIdle = setTimeout(visitorStopped, TYPING_IDLE_MS);
}

socket.on("status", function (status) {
  var notice = status.notice || {};
  if (notice.type === "statusChanged" && notice.status === "closed") askForRating();
  var text = describeNotice(status.notice);
  if (text) {
    // A person joined or the conversation ended: the bot's answer in writing will not come.
    settleDraft();
    remember({
      id: "notice_" + Date.now(),
      seq: lastSeq() + 0.5,
      direction: "outbound",
      author: { kind: "system" },
      body: { type: "text", text: text },
    });
    render();
  }
});

socket.on("error", function (error) {
  showNotice(error.message);
});

function transmit(entry) {
  entry.inFlight = true;
  var payload = { clientMessageId: entry.clientMessageId, text: entry.message.body.text };
  socket.timeout(15000).emit("message", payload, function (timedOut, ack) {
    entry.inFlight = false;
    if (timedOut) {
      entry.failed = "not sent yet";
    } else if (!ack.ok) {
      entry.failed = ack.error.message;
    } else if (ack.message) {
      remember(ack.message);
      sending.delete(entry.clientMessageId);
    } else {
      sending.delete(entry.clientMessageId);
    }
    render();
  });
}

ui.form.addEventListener("submit", function (event) {
  event.preventDefault();
  var text = ui.input.value.trim();
  if (!text) return;
  ui.input.value = "";
  sendText(text);
});

function sendText(text) {
  visitorStopped();
  ui.rate.classList.remove("shown");
  var clientMessageId = newId("c");
  var entry = {
    clientMessageId: clientMessageId,
    message: { direction: "inbound", author: { kind: "contact" }, body: { type: "text", text: text } },
    failed: null,
    inFlight: false,
  };
  sending.set(clientMessageId, entry);
  render();
  if (socket.connected) transmit(entry);
}

ui.input.addEventListener("input", visitorTyped);
ui.input.addEventListener("blur", visitorStopped);

ui.input.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});

function mount() {
  document.body.appendChild(host);
  setColor(accentColor);
  setOpen(startOpen);
}

if (document.body) {
  mount();
} else {
  document.addEventListener("DOMContentLoaded", mount);
}
