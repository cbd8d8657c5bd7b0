// What the real-browser checks share: launching Debian's Chromium through playwright-core,
// printing one JSON line per step, failing on the first broken check, and noticing anything a
// page's own Content-Security-Policy blocks.

import { chromium } from "playwright-core";

/// Prints one step as a JSON line.
export const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

/// Prints the failed step and exits non-zero.
export const fail = (step, message) => {
  print({ step, ok: false, message });
  process.exit(1);
};

/// Headless Chromium at `executablePath`, kept off the network beyond what the pages ask for.
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

/// Records the page's policy violations from its first script on; returns a function that
/// reads them.
export async function watchPolicy(page) {
  await page.addInitScript(() => {
    window.__blocked = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__blocked.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return () => page.evaluate(() => window.__blocked || []);
}

/// Waits for `locator` to show, or fails `step` with `message`.
export async function expectVisible(locator, step, message, timeout = 15000) {
  await locator.first().waitFor({ timeout }).catch(() => fail(step, message));
}

/// Waits until the locator's first element is hidden or gone; fails the step otherwise.
export async function expectHidden(locator, step, message, timeout = 15000) {
  await locator.first().waitFor({ state: "hidden", timeout }).catch(() => fail(step, message));
}

/// A shop's page that embeds the widget of `widgetKey` from the server at `url`, open, as a
/// customer's site would. Tests answer a path of the server's origin with it (`page.route`).
export const shopPage = (url, widgetKey) => `<!doctype html><html><head><title>Shop</title></head><body>
<h1>The Shop</h1><p>Ask us anything in the chat.</p>
<script src="${url}/widget.js" data-widget-key="${widgetKey}" data-open="true" async></script>
</body></html>`;

/// Signs `email` in on the console at `url` in `page`; fails `step` unless the roster then shows
/// the agent online.
export async function signInToConsole(page, url, email, password, step) {
  await page.goto(url + "/console");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in-form button[type=submit]");
  await expectVisible(page.locator("#roster .colleague.online", { hasText: "You" }), step,
    "the roster does not show the agent online");
}

/// Saves numbered screenshots as `{prefix}-{n}-{name}.png` (nothing without a prefix): returns
/// `shoot(page, name)`.
export function screenshots(prefix, options = {}) {
  let shots = 0;
  return async (page, name) => {
    shots += 1;
    if (prefix) await page.screenshot({ path: `${prefix}-${shots}-${name}.png`, ...options });
  };
}
