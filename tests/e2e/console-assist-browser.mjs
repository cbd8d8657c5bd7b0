#!/usr/bin/env node
// Suggested replies in the agents' console, in a real browser (headless Chromium through
// playwright-core): the agent signs in, opens the bot's conversation, takes it over, asks for
// suggested replies (the server asks its language model), picks one, which fills the reply box,
// and sends it. Prints one JSON line per step and exits non-zero on the first failed check.
//
//   --url URL            server base URL (default http://127.0.0.1:8080)
//   --email, --password  the agent's sign-in
//   --question TEXT      what the visitor asked in the conversation
//   --suggestion TEXT    a reply the model suggests
//   --screenshot PATH    where to save screenshots (PATH-<n>-<step>.png)
//   --chromium PATH      browser executable (default /usr/bin/chromium)

import { parseArgs } from "node:util";
import { expectVisible, fail, launch, print, screenshots, signInToConsole, watchPolicy } from "./browser.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    email: { type: "string" },
    password: { type: "string" },
    question: { type: "string" },
    suggestion: { type: "string" },
    screenshot: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});

const shoot = screenshots(values.screenshot);

const browser = await launch(values.chromium);
try {
  const agent = await (await browser.newContext({ viewport: { width: 1366, height: 820 } })).newPage();
  const blocked = await watchPolicy(agent);
  const transcript = agent.locator("#transcript");

  // 1. The agent signs in and opens the visitor's conversation from the bot's queue.
  await signInToConsole(agent, values.url, values.email, values.password, "signed-in");
  print({ step: "signed-in", ok: true });
  await agent.click("#queues button[data-queue=bot]");
  const item = agent.locator("#conversations .conversation-item");
  await expectVisible(item, "opened", "the conversation is not in the bot's queue");
  await item.first().click();
  await expectVisible(transcript.locator(".msg.contact", { hasText: values.question }), "opened",
    "the transcript does not show the visitor's question");
  await agent.click("#take-over");
  await expectVisible(agent.locator("#responder", { hasText: "You are answering" }), "opened",
    "taking over did not make the agent the responder");
  print({ step: "opened", ok: true });

  // 2. Suggested replies come from the model; none is sent until the agent picks one.
  if (!(await agent.locator("#assist").isHidden())) fail("suggested", "suggestions shown before asking");
  await agent.click("#suggest");
  const suggestion = agent.locator("#assist button", { hasText: values.suggestion });
  await suggestion.first().waitFor({ timeout: 15000 }).catch(async () => {
    const banner = await agent.locator("#banner").innerText().catch(() => "");
    fail("suggested", `the model's suggestion is not offered (banner: ${banner})`);
  });
  await shoot(agent, "suggested");
  const offered = await agent.locator("#assist button").allInnerTexts();
  print({ step: "suggested", ok: true, offered });

  // 3. Picking one fills the reply box (to edit) and hides the list; Enter sends it.
  await suggestion.click();
  const reply = await agent.inputValue("#reply");
  if (reply !== values.suggestion) fail("sent", `the reply box holds ${JSON.stringify(reply)}`);
  if (!(await agent.locator("#assist").isHidden())) fail("sent", "the suggestions stayed open");
  await agent.locator("#reply").press("Enter");
  await expectVisible(transcript.locator(".msg.agent", { hasText: values.suggestion }), "sent",
    "the picked suggestion was not sent");
  await shoot(agent, "sent");
  print({ step: "sent", ok: true });

  const violations = await blocked();
  if (violations.length > 0) fail("done", `the page's policy blocked: ${violations.join(", ")}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
