#!/usr/bin/env node
// A visitor in a real browser watches the bot's answer being written: headless Chromium (driven
// by playwright-core) opens a shop's page that embeds the widget of a bot answering through a
// streaming language model, asks a question, sees a draft bubble grow, and then sees it replaced
// by the stored answer, with no draft left behind. Prints one JSON line per step and exits
// non-zero on the first failed check.
//
//   --url URL          server base URL (default http://127.0.0.1:8080)
//   --key KEY          the bot's widget key
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

  await page.locator("textarea").fill(values.question);
  await page.locator("textarea").press("Enter");
  const draft = page.locator(".messages .msg.them.draft");
  await expectVisible(draft, "draft", "no draft of the answer appeared");
  const drafted = await draft.first().innerText();
  if (!values.answer.startsWith(drafted) || drafted.length >= values.answer.length) {
    fail("draft", `the draft is not the start of the answer: ${JSON.stringify(drafted)}`);
  }
  if (values.screenshot) await page.screenshot({ path: `${values.screenshot}-draft.png` });
  print({ step: "draft", ok: true, text: drafted });

  const answer = page.locator(".messages .msg.them:not(.draft)", { hasText: values.answer });
  await expectVisible(answer, "answer", "the stored answer did not appear");
  await expectHidden(draft, "answer", "the draft stayed after the answer arrived");
  const shown = await page.locator(".messages .msg.them").allInnerTexts();
  const copies = shown.filter((text) => text === values.answer).length;
  if (copies !== 1) fail("answer", `the answer shows ${copies} times: ${JSON.stringify(shown)}`);
  if (values.screenshot) await page.screenshot({ path: `${values.screenshot}-answer.png` });
  print({ step: "answer", ok: true });

  const violations = await blocked();
  if (violations.length > 0) fail("policy", `the page's policy blocked: ${violations.join(", ")}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
