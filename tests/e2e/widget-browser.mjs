#!/usr/bin/env node
// A visitor in a real browser: headless Chromium (driven by playwright-core) opens the demo page
// a BotWot server serves at `/`, waits for the widget's greeting, sends a question, waits for the
// bot's answer, checks nothing is left pending, reloads and checks the conversation continues.
// Prints one JSON line per step and exits non-zero on the first failed check.
//
//   --url URL          server base URL (default http://127.0.0.1:8080)
//   --screenshot PATH  where to save screenshots (PATH-1.png after the answer, PATH-2.png after
//                      the reload)
//   --chromium PATH    browser executable (default /usr/bin/chromium)

import { parseArgs } from "node:util";
import { fail, launch, print, watchPolicy } from "./browser.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    screenshot: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});

const browser = await launch(values.chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // The page runs under a strict Content-Security-Policy: anything it blocks is a failure.
  const blockedSoFar = await watchPolicy(page);
  const question = "Do you deliver on Sundays?";
  const texts = (selector) => page.locator(selector).allInnerTexts();

  await page.goto(values.url + "/");
  const greeting = page.locator(".messages .msg.them").first();
  await greeting.waitFor({ timeout: 15000 }).catch(() => fail("greeting", "no greeting appeared"));
  print({ step: "greeting", ok: true, text: await greeting.innerText() });

  await page.locator("textarea").fill(question);
  await page.locator("textarea").press("Enter");
  const answer = page.locator(".messages .msg.them").nth(1);
  await answer.waitFor({ timeout: 15000 }).catch(() => fail("answer", "no answer appeared"));
  // The sent bubble stays "pending" until the server acknowledges the stored message.
  let pending = 1;
  for (let tries = 0; tries < 100 && pending > 0; tries++) {
    pending = await page.locator(".messages .msg.pending").count();
    if (pending > 0) await page.waitForTimeout(100);
  }
  if (pending !== 0) fail("answer", `${pending} message(s) still pending after the server stored them`);
  const mine = await texts(".messages .msg.me");
  if (mine.filter((t) => t.includes(question)).length !== 1) fail("answer", `the question shows ${mine.length} times: ${JSON.stringify(mine)}`);
  print({ step: "answer", ok: true, text: await answer.innerText() });
  if (values.screenshot) await page.screenshot({ path: `${values.screenshot}-1.png` });

  await page.reload();
  await page.locator(".messages .msg.me").first().waitFor({ timeout: 15000 })
    .catch(() => fail("reload", "the conversation did not come back after a reload"));
  const afterReload = await texts(".messages .msg");
  if (!afterReload.some((t) => t.includes(question))) fail("reload", `history lost: ${JSON.stringify(afterReload)}`);
  const greetings = (await texts(".messages .msg.them")).filter((t) => t === (afterReload[0] ?? "")).length;
  if (greetings !== 1) fail("reload", `the greeting shows ${greetings} times`);
  print({ step: "reload", ok: true, messages: afterReload.length });
  if (values.screenshot) await page.screenshot({ path: `${values.screenshot}-2.png` });
  const blocked = await blockedSoFar();
  if (blocked.length > 0) fail("policy", `the page's own policy blocked: ${JSON.stringify(blocked)}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
