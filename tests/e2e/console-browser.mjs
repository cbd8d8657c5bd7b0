#!/usr/bin/env node
// An agent and a visitor in a real browser: headless Chromium (driven by playwright-core). The
// agent signs in on the console a BotWot server serves at `/console`; a visitor on a shop's page
// that embeds the widget of the agent's bot (the browser answers `/shop-demo` itself, with the
// embed snippet, on the server's origin) asks a question; the conversation appears live in
// the agent's list; the agent opens it, takes over, sees the visitor typing and is seen
// typing, replies with a canned response, asks with reply buttons (sent through the REST API,
// which the visitor taps in the widget), adds a private note, hands it back, is told a reply
// is no longer theirs to send, the bot answers the visitor's next question again, and the agent
// closes the conversation, which the visitor then rates. Prints one JSON line per step and
// exits non-zero on the first failed check.
//
//   --url URL            server base URL (default http://127.0.0.1:8080)
//   --key KEY            the widget key of a bot of the agent's organisation
//   --email, --password  the agent's sign-in
//   --shortcut, --canned a canned response of the organisation: its shortcut and its text
//   --fallback TEXT      what the bot answers a question it cannot answer
//   --screenshot PATH    where to save screenshots (PATH-<n>-<step>.png)
//   --chromium PATH      browser executable (default /usr/bin/chromium)

import { parseArgs } from "node:util";
import {
  expectHidden, expectVisible, fail, launch, print, screenshots, shopPage, signInToConsole, watchPolicy,
} from "./browser.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    key: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    shortcut: { type: "string" },
    canned: { type: "string" },
    fallback: { type: "string" },
    screenshot: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});

const question = "Can a person help me with my order?";
const note = "VIP customer: offer free shipping";
const late = "Are you still there?";
const followUp = "And do you ship abroad?";
const prompt = "Which order is it about?";
const choice = "The latest one";

/// Calls the REST API as the agent (signed in with their email and password).
async function asAgent(method, path, body) {
  const json = (response) => response.json().then((answer) => ({ status: response.status, answer }));
  const signIn = await fetch(`${values.url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: values.email, password: values.password }),
  }).then(json);
  const response = await fetch(`${values.url}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${signIn.answer.accessToken}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return json(response);
}
const shoot = screenshots(values.screenshot);

const browser = await launch(values.chromium);
try {
  // Separate contexts: the agent's and the visitor's storage are their own.
  const agent = await (await browser.newContext({ viewport: { width: 1366, height: 820 } })).newPage();
  const agentBlocked = await watchPolicy(agent);
  const visitor = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
  const shop = `${values.url}/shop-demo`;
  await visitor.route(shop, (route) => route.fulfill({ contentType: "text/html", body: shopPage(values.url, values.key) }));
  const transcript = agent.locator("#transcript");
  const widgetAnswers = visitor.locator(".messages .msg.them");

  // 1. The agent signs in, goes away and back online, and watches the bot's queue.
  await signInToConsole(agent, values.url, values.email, values.password, "signed-in");
  await expectVisible(agent.locator("#connection", { hasText: "live" }), "signed-in", "no live feed");
  await agent.selectOption("#presence", "away");
  await expectVisible(agent.locator("#roster .colleague.away", { hasText: "You" }), "signed-in",
    "choosing away did not reach the roster");
  await agent.selectOption("#presence", "online");
  await agent.click("#queues button[data-queue=bot]");
  await expectVisible(agent.locator("#conversations", { hasText: "No conversations here." }),
    "signed-in", "the bot queue is not empty before the visitor comes");
  await shoot(agent, "signed-in");
  print({ step: "signed-in", ok: true });

  // 2. A visitor on the shop's page asks; the bot answers.
  await visitor.goto(shop);
  await expectVisible(widgetAnswers, "visitor-asks", "the widget did not greet the visitor");
  await visitor.locator("textarea").fill(question);
  await visitor.locator("textarea").press("Enter");
  await expectVisible(widgetAnswers.nth(1), "visitor-asks", "the bot did not answer");
  await shoot(visitor, "visitor-asks");
  print({ step: "visitor-asks", ok: true, answer: await widgetAnswers.nth(1).innerText() });

  // 3. The conversation appears in the agent's bot queue without a reload.
  const item = agent.locator("#conversations .conversation-item");
  await expectVisible(item, "live-list", "the conversation did not appear live in the list");
  await expectVisible(agent.locator("#queues button[data-queue=bot] .count", { hasText: "1" }),
    "live-list", "the bot queue does not count the conversation");
  await shoot(agent, "live-list");
  print({ step: "live-list", ok: true, item: await item.first().innerText() });

  // 4. The agent opens it and takes over.
  await item.first().click();
  await expectVisible(transcript.locator(".msg.contact", { hasText: question }), "take-over",
    "the transcript does not show the visitor's question");
  await agent.click("#take-over");
  await expectVisible(agent.locator("#responder", { hasText: "You are answering" }), "take-over",
    "taking over did not make the agent the responder");
  await expectVisible(agent.locator("#queues button[data-queue=mine] .count", { hasText: "1" }),
    "take-over", "the conversation is not counted as mine");
  await shoot(agent, "take-over");
  print({ step: "take-over", ok: true });

  // 5. Typing, both ways: the visitor's shows in the console until they clear the box; the
  // agent's shows in the widget while they write the reply.
  await visitor.locator("textarea").pressSequentially("One more thing");
  await expectVisible(agent.locator("#typing", { hasText: "Visitor is typing" }), "typing",
    "the visitor's typing did not show in the console");
  await shoot(agent, "visitor-typing");
  await visitor.locator("textarea").fill("");
  await expectHidden(agent.locator("#typing"), "typing",
    "the visitor's typing stayed on after they cleared the box");
  await agent.locator("#reply").pressSequentially("Let me");
  await expectVisible(visitor.locator(".typing.shown", { hasText: "Agent is typing" }), "typing",
    "the agent's typing did not show in the widget");
  await shoot(visitor, "agent-typing");
  await agent.locator("#reply").fill("");
  await expectHidden(visitor.locator(".typing.shown"), "typing",
    "the agent's typing stayed on in the widget after they cleared the box");
  print({ step: "typing", ok: true });

  // 6. A canned response by its shortcut, sent as the reply; the visitor sees it.
  await agent.locator("#reply").pressSequentially(values.shortcut);
  await expectVisible(agent.locator("#suggestions li", { hasText: values.shortcut }), "reply",
    "typing the shortcut offered no canned response");
  await agent.locator("#reply").press("Tab");
  const drafted = await agent.locator("#reply").inputValue();
  if (drafted !== values.canned) fail("reply", `the shortcut became ${JSON.stringify(drafted)}`);
  await agent.locator("#reply").press("Enter");
  await expectVisible(transcript.locator(".msg.agent", { hasText: values.canned }), "reply",
    "the reply is not in the agent's transcript");
  await expectVisible(visitor.locator(".messages .msg", { hasText: values.canned }), "reply",
    "the visitor did not get the agent's reply");
  await shoot(visitor, "visitor-sees-reply");
  print({ step: "reply", ok: true });

  // 6b. Reply buttons: the widget shows them, the visitor taps one, the console sees the tap.
  const sessions = await asAgent("GET", "/v1/sessions?channel=web");
  const sessionId = sessions.answer.items?.[0]?.id;
  const sent = await asAgent("POST", `/v1/sessions/${sessionId}/messages`, {
    interactive: { text: prompt, buttons: [{ id: "latest", title: choice }, { id: "older", title: "An older one" }] },
  });
  if (sent.status !== 201) fail("choices", `the buttons were refused: ${JSON.stringify(sent)}`);
  const button = visitor.locator(".messages .msg .choice", { hasText: choice });
  await expectVisible(button, "choices", "the widget did not show the reply buttons");
  await shoot(visitor, "choices");
  await button.click();
  await expectVisible(transcript.locator(".msg.contact", { hasText: choice }), "choices",
    "the visitor's tap did not reach the console");
  await expectVisible(transcript.locator(".msg.agent", { hasText: prompt }), "choices",
    "the prompt is not in the agent's transcript");
  print({ step: "choices", ok: true });

  // 7. A private note stays in the console.
  await agent.check("#note");
  await agent.locator("#reply").fill(note);
  await agent.locator("#reply").press("Enter");
  await expectVisible(transcript.locator(".msg.note", { hasText: note }), "note",
    "the private note is not in the transcript");
  await agent.uncheck("#note");
  await shoot(agent, "note");
  print({ step: "note", ok: true });

  // 8. The agent hands back; a late reply is refused with a readable message.
  await agent.click("#hand-back");
  await expectVisible(agent.locator("#responder", { hasText: "The bot is answering" }), "hand-back",
    "handing back did not give the conversation to the bot");
  await agent.locator("#reply").fill(late);
  await agent.locator("#reply").press("Enter");
  await expectVisible(agent.locator("#banner", { hasText: "You are not assigned to this conversation" }),
    "hand-back", "a reply after handing back was not refused readably");
  await shoot(agent, "hand-back");
  print({ step: "hand-back", ok: true, banner: await agent.locator("#banner").innerText() });

  // 9. The visitor asks again and the bot answers again, live in the console too.
  const before = await widgetAnswers.count();
  await visitor.locator("textarea").fill(followUp);
  await visitor.locator("textarea").press("Enter");
  await expectVisible(widgetAnswers.nth(before), "bot-again", "the bot did not answer again");
  const answer = await widgetAnswers.nth(before).innerText();
  if (!answer.includes(values.fallback)) fail("bot-again", `the answer was ${JSON.stringify(answer)}`);
  await expectVisible(transcript.locator(".msg.contact", { hasText: followUp }), "bot-again",
    "the visitor's follow-up did not reach the console live");
  await expectVisible(transcript.locator(".msg.bot").last().filter({ hasText: values.fallback }),
    "bot-again", "the bot's answer did not reach the console live");
  const seen = await visitor.locator(".messages .msg").allInnerTexts();
  if (seen.some((text) => text.includes(note) || text.includes(late))) {
    fail("bot-again", `the visitor saw what was not for them: ${JSON.stringify(seen)}`);
  }
  await shoot(visitor, "bot-again");
  await shoot(agent, "console-after");
  print({ step: "bot-again", ok: true, answer });

  // 10. The agent closes the conversation; the widget asks the visitor to rate it.
  await agent.click("#close-conversation");
  await expectVisible(agent.locator("#responder", { hasText: "Closed" }), "rating",
    "closing did not close the conversation");
  await expectVisible(visitor.locator(".rate.shown", { hasText: "How did we do?" }), "rating",
    "the widget did not ask for a rating when the conversation ended");
  await visitor.locator(".rate button[data-score='4']").click();
  await expectVisible(visitor.locator(".rate", { hasText: "Thank you for your rating." }), "rating",
    "the rating was not acknowledged");
  await shoot(visitor, "rating");
  print({ step: "rating", ok: true });

  const blocked = await agentBlocked();
  if (blocked.length > 0) fail("policy", `the console's own policy blocked: ${JSON.stringify(blocked)}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
