#!/usr/bin/env node
// A web-widget visitor for end-to-end tests, using the official socket.io-client.
//
// It connects to a BotWot server's widget namespace, sends messages one after another (each
// waits for the server's acknowledgement), waits a while for replies, and prints one JSON line
// per thing that happens on stdout:
//
//   {"event":"connect"}                        the namespace accepted the visitor
//   {"event":"connect_error","message":"..."}  refused ("<code>: <reason>"); exit code 2
//   {"event":"connect_retry","message":"...","attempt":n}  the server was busy or slow to admit
//                                              the visitor ("timeout", "overloaded",
//                                              "storage_unavailable", "shutting_down"): connects
//                                              again after 1 s, as the widget does, 3 tries in all
//   {"event":"session","data":{...}}           sessionId, visitorId, status, responder, bot
//   {"event":"history","data":{...}}           the session's latest messages
//   {"event":"message","data":{...}}           a stored message pushed by the server
//   {"event":"status","data":{...}}            status / responder change
//   {"event":"draft","data":{...}}             the bot's answer so far, while a model writes it
//   {"event":"error","data":{"code","message"}}
//   {"event":"ack","clientMessageId":"...","data":{"ok":...}}   answer to one of our messages
//   {"event":"ack_timeout","clientMessageId":"...","attempt":n}   no answer in 10 s; a --send
//                                              is sent again with the same id, 3 tries in all
//   {"event":"disconnect","reason":"..."}
//   {"event":"timeout","message":"..."}        no history arrived; exit code 3
//   {"event":"done"}                           last line; exit code 0
//
// Options (each also read from the environment variable shown):
//   --url URL          BOTWOT_URL         server base URL (default http://127.0.0.1:8080)
//   --key KEY          BOTWOT_WIDGET_KEY  the bot's widget key (required)
//   --visitor ID       BOTWOT_VISITOR_ID  visitor id to continue a session (default: none, the
//                                         server assigns one and reports it in "session")
//   --send TEXT        (repeatable)       a text message to send
//   --raw JSON         (repeatable)       a raw "message" payload, to test bad input
//   --id-prefix P      BOTWOT_ID_PREFIX   client message ids are P-1, P-2, ... (default random);
//                                         reuse a prefix to resend the same messages
//   --wait-ms N        BOTWOT_WAIT_MS     how long to listen after the last send (default 2000)
//   --origin ORIGIN    BOTWOT_ORIGIN      Origin header to present
//   --transport T      BOTWOT_TRANSPORT   "websocket" or "polling" (default: polling, then upgrade)
//
// Sends happen in the order given on the command line, after the history has arrived.

import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.BOTWOT_URL ?? "http://127.0.0.1:8080" },
    key: { type: "string", default: process.env.BOTWOT_WIDGET_KEY },
    visitor: { type: "string", default: process.env.BOTWOT_VISITOR_ID },
    send: { type: "string", multiple: true, default: [] },
    raw: { type: "string", multiple: true, default: [] },
    "id-prefix": { type: "string", default: process.env.BOTWOT_ID_PREFIX ?? `c-${randomUUID().slice(0, 8)}` },
    "wait-ms": { type: "string", default: process.env.BOTWOT_WAIT_MS ?? "2000" },
    origin: { type: "string", default: process.env.BOTWOT_ORIGIN },
    transport: { type: "string", default: process.env.BOTWOT_TRANSPORT },
  },
  strict: true,
});

if (!values.key) {
  console.error("widget-client: --key (or BOTWOT_WIDGET_KEY) is required");
  process.exit(64);
}

// The steps in command-line order: --send and --raw may be interleaved.
const steps = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === "--send" || arg === "--raw") steps.push({ kind: arg.slice(2), value: process.argv[++i] });
  else if (arg.startsWith("--send=")) steps.push({ kind: "send", value: arg.slice(7) });
  else if (arg.startsWith("--raw=")) steps.push({ kind: "raw", value: arg.slice(6) });
}

const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const auth = { widgetKey: values.key };
if (values.visitor) auth.visitorId = values.visitor;

const socket = io(`${values.url}/widget`, {
  auth,
  reconnection: false,
  transports: values.transport ? [values.transport] : undefined,
  extraHeaders: values.origin ? { origin: values.origin } : undefined,
});

const historyArrived = new Promise((resolve) => socket.once("history", resolve));

socket.on("connect", () => print({ event: "connect" }));
socket.on("disconnect", (reason) => print({ event: "disconnect", reason }));
for (const name of ["session", "history", "message", "status", "error", "draft"]) {
  socket.on(name, (data) => print({ event: name, data }));
}

// Refusals worth another try, as the widget's own script retries them; "timeout" is the
// client's own: the server did not admit the visitor within socket.io's 20 s.
const RETRIED_CONNECT_ERRORS = ["timeout", "overloaded", "storage_unavailable", "shutting_down"];
const CONNECT_ATTEMPTS = 3;
let connectAttempts = 1;
socket.on("connect_error", (error) => {
  const code = String(error.message).split(":")[0];
  if (RETRIED_CONNECT_ERRORS.includes(code) && connectAttempts < CONNECT_ATTEMPTS) {
    print({ event: "connect_retry", message: error.message, attempt: connectAttempts });
    connectAttempts += 1;
    setTimeout(() => socket.connect(), 1_000);
    return;
  }
  print({ event: "connect_error", message: error.message });
  socket.close();
  process.exit(2);
});

// Room for every connection attempt (socket.io gives up on one after 20 s).
const SETUP_MS = CONNECT_ATTEMPTS * 21_000;
const ready = await Promise.race([historyArrived.then(() => true), sleep(SETUP_MS).then(() => false)]);
if (!ready) {
  print({ event: "timeout", message: `no history within ${SETUP_MS} ms` });
  socket.close();
  process.exit(3);
}

const ACK_TIMEOUT_MS = 10_000;
const SEND_ATTEMPTS = 3;
let sent = 0;
for (const step of steps) {
  sent += 1;
  const clientMessageId = `${values["id-prefix"]}-${sent}`;
  const payload = step.kind === "send" ? { clientMessageId, text: step.value } : JSON.parse(step.value);
  // A message not acknowledged in time is sent again with the same clientMessageId, as the
  // widget's "click to retry" does; the server recognises the repeat. Raw payloads go once.
  const attempts = step.kind === "send" ? SEND_ATTEMPTS : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const data = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message", payload);
      print({ event: "ack", clientMessageId: step.kind === "send" ? clientMessageId : null, data });
      break;
    } catch {
      print({ event: "ack_timeout", clientMessageId, attempt });
    }
  }
}

await sleep(Number(values["wait-ms"]));
socket.close();
print({ event: "done" });
process.exit(0);
