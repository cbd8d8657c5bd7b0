#!/usr/bin/env node
// A visitor in a real browser watches the bot's answer being written: headless Chromium (driven
// by playwright-core) opens a shop's page that embeds the widget of a bot answering through a
// streaming language model, asks a question, sees a draft bubble grow, and then sees it replaced
// by the stored answer, with no draft left behind. An agent of the bot's organisation, signed
// in on the console with the conversation open, sees the same draft and then the answer. Prints
// one JSON line per step and exits non-zero on the first failed check.
//
//   --url URL          server base URL (default http://127.0.0.1:8080)
//   --key KEY          the bot's widget key
//   --email, --password  the agent's sign-in
//   --question TEXT    what the visitor asks
//   --answer TEXT      the whole answer the model writes
//   --screenshot PATH  where to save screenshots (PATH-draft.png, PATH-answer.png)
//   --chromium PATH    browser executable (default /usr/bin/chromium)

import { parseArgs } from "node:util";
import { expectHidden, expectVisible, fail, launch, print, shopPage, watchPolicy } from "./browser.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    key: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    question: { type: "string" },
    answer: { type: "string" },
    screenshot: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});

const browser = await launch(values.chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const blocked = await watchPolicy(page);
  const shop = `${values.url}/shop-demo`;
  await page.route(shop, (route) => route.fulfill({ contentType: "text/html", body: shopPage(values.url, values.key) }));
  await page.goto(shop);
  await expectVisible(page.locator(".messages .msg.them"), "greeting", "the widget did not greet the visitor");
  print({ step: "greeting", ok: true });

  // The agent opens the new conversation in the console (a context of its own).
  const agent = await (await browser.newContext({ viewport: { width: 1366, height: 820 } })).newPage();
  await agent.goto(values.url + "/console");
  await agent.fill("#email", values.email);
  await agent.fill("#password", values.password);
  await agent.click("#sign-in-form button[type=submit]");
  await expectVisible(agent.locator("#connection", { hasText: "live" }), "console-open", "no live feed");
  await agent.click("#queues button[data-queue=bot]");
  const item = agent.locator("#conversations .conversation-item");
  await expectVisible(item, "console-open", "the visitor's conversation is not in the bot's queue");
  await item.first().click();
  const transcript = agent.locator("#transcript");
  await expectVisible(transcript.locator(".msg.bot"), "console-open", "the console does not show the greeting");
  print({ step: "console-open", ok: true });

  await page.locator("textarea").fill(values.question);
  await page.locator("textarea").press("Enter");
  const draft = page.locator(".messages .msg.them.draft");
  await expectVisible(draft, "draft", "no draft of the answer appeared");
  const drafted = await draft.first().innerText();
  if (!values.answer.startsWith(drafted) || drafted.length >= values.answer.length) {
    fail("draft", `the draft is not the start of the answer: ${JSON.stringify(drafted)}`);
  }
  const agentDraft = transcript.locator(".msg.draft .text");
  await expectVisible(agentDraft, "draft", "the console did not show the draft");
  const agentDrafted = await agentDraft.first().innerText();
  if (!values.answer.startsWith(agentDrafted) || agentDrafted.length >= values.answer.length) {
    fail("draft", `the console's draft is not the start of the answer: ${JSON.stringify(agentDrafted)}`);
  }
  if (values.screenshot) {
    await page.screenshot({ path: `${values.screenshot}-draft.png` });
    await agent.screenshot({ path: `${values.screenshot}-console-draft.png` });
  }
  print({ step: "draft", ok: true, text: drafted, console: agentDrafted });

  const answer = page.locator(".messages .msg.them:not(.draft)", { hasText: values.answer });
  await expectVisible(answer, "answer", "the stored answer did not appear");
  await expectHidden(draft, "answer", "the draft stayed after the answer arrived");
  const shown = await page.locator(".messages .msg.them").allInnerTexts();
  const copies = shown.filter((text) => text === values.answer).length;
  if (copies !== 1) fail("answer", `the answer shows ${copies} times: ${JSON.stringify(shown)}`);
  await expectVisible(transcript.locator(".msg.bot:not(.draft)", { hasText: values.answer }), "answer",
    "the console did not show the stored answer");
  await expectHidden(transcript.locator(".msg.draft"), "answer", "the console's draft stayed after the answer");
  if (values.screenshot) await page.screenshot({ path: `${values.screenshot}-answer.png` });
  print({ step: "answer", ok: true });

  const violations = await blocked();
  if (violations.length > 0) fail("policy", `the page's policy blocked: ${violations.join(", ")}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
