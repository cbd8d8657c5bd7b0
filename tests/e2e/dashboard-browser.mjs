#!/usr/bin/env node
// The managers' dashboard of the agents' console in a real browser: headless Chromium (driven by
// playwright-core) against a BotWot server whose organisation already has conversations with
// known facts. An agent without the Dashboard module signs in and is offered no dashboard. The
// owner opens the dashboard tab and checks the figure tiles and the charts' SVG (each bar and
// point carries its figure in `data-value`) against the expectations; a widget visitor arrives
// (through `widget-client.mjs`) and the tiles count it within seconds, sooner than the 15-second
// refresh; the last 24 hours are drawn hour by hour; the owner removes a widget, adds one and
// moves one earlier, reloads and finds the same layout; the CSV and XLSX reports download.
// Prints one JSON line per step and exits non-zero on the first failed check.
//
//   --url URL                        server base URL (default http://127.0.0.1:8080)
//   --key KEY                        the widget key of a bot of the organisation
//   --email, --password              the owner's sign-in (has the Dashboard module)
//   --agent-email, --agent-password  an agent's sign-in (has not)
//   --expect JSON                    what the dashboard must show:
//       layout     the owner's widgets as the server keeps them ([{id, kind, x, y, width, height}])
//       tiles      {kind: text} of the figure tiles
//       bars       {chart: {label: value}} of the bar charts (null: no measurement)
//       volume     the conversations the volume chart counts in all
//       live       {kind: text} of the tiles once one more visitor has come
//       csvHeader  the conversations CSV's header line
//       csvRows    its rows once the visitor has come
//   --screenshot PATH                where to save screenshots (PATH-<n>-<step>.png)
//   --chromium PATH                  browser executable (default /usr/bin/chromium)

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { expectVisible, fail, launch, print, screenshots, watchPolicy } from "./browser.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    key: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    "agent-email": { type: "string" },
    "agent-password": { type: "string" },
    expect: { type: "string" },
    screenshot: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
  },
});
const expected = JSON.parse(values.expect);
/// Sooner than the dashboard's 15-second refresh: only a live update arrives in time.
const LIVE_MS = 6000;
const shoot = screenshots(values.screenshot, { fullPage: true });

const exactly = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function signIn(page, email, password) {
  await page.goto(values.url + "/console");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#sign-in-form button[type=submit]");
}

/// The widgets of the grid, in page order: `{id, kind, column, row}`.
const widgetsShown = (page) => page.locator("#dashboard-grid .widget").evaluateAll((nodes) =>
  nodes.map((node) => ({
    id: node.dataset.id,
    kind: node.dataset.kind,
    column: node.style.gridColumn,
    row: node.style.gridRow,
  })));

/// `{label: value}` of the bars of the chart `name` (an empty `data-value` is null).
const barsOf = (page, name) => page.locator(`#dashboard-grid svg[data-chart=${name}] rect.bar`)
  .evaluateAll((rects) => Object.fromEntries(rects.map((rect) => [
    rect.dataset.label,
    rect.dataset.value === "" ? null : Number(rect.dataset.value),
  ])));

/// Waits until each tile `{kind: text}` shows its text, within `timeout`.
async function expectTiles(page, tiles, step, timeout) {
  for (const [kind, text] of Object.entries(tiles)) {
    const figure = page.locator(`#dashboard-grid .widget[data-kind=${kind}] .figure`);
    await expectVisible(figure.filter({ hasText: exactly(text) }), step,
      `the ${kind} tile does not show ${JSON.stringify(text)}`, timeout);
  }
}

/// Clicks `button` and returns the download it starts: `{name, bytes}`.
async function download(page, button) {
  const [started] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
  const failure = await started.failure();
  if (failure) fail("export", `${button} download failed: ${failure}`);
  return { name: started.suggestedFilename(), bytes: await readFile(await started.path()) };
}

/// A widget visitor of the `--key` bot who asks one question (the project's Socket.IO client).
function visitorAsks(text) {
  const client = fileURLToPath(new URL("./widget-client.mjs", import.meta.url));
  return promisify(execFile)(process.execPath,
    [client, "--url", values.url, "--key", values.key, "--send", text, "--wait-ms", "300"]);
}

const browser = await launch(values.chromium);
try {
  // 1. An agent without the Dashboard module: the layout is refused, and no tab is offered.
  const agent = await (await browser.newContext({ viewport: { width: 1366, height: 820 } })).newPage();
  const probed = agent.waitForResponse((response) => response.url().includes("/v1/dashboard/layout"));
  await signIn(agent, values["agent-email"], values["agent-password"]);
  const refused = (await probed).status();
  if (refused !== 403) fail("no-dashboard-for-agents", `the agent's layout answered ${refused}`);
  await expectVisible(agent.locator("#queues button[data-queue=waiting].active"), "no-dashboard-for-agents",
    "the agent's console did not open on the queues");
  if (await agent.locator("#dashboard-tab").isVisible()) {
    fail("no-dashboard-for-agents", "an agent without the Dashboard module is offered the dashboard");
  }
  await shoot(agent, "agent-console");
  print({ step: "no-dashboard-for-agents", ok: true });

  // 2. The owner opens the dashboard: every widget of the layout in its place, the figures.
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const blocked = await watchPolicy(page);
  await signIn(page, values.email, values.password);
  await expectVisible(page.locator("#dashboard-tab"), "figures", "the owner is offered no dashboard tab");
  await page.click("#dashboard-tab");
  if (!(await page.locator("#panes").isHidden())) fail("figures", "the conversations still show");
  await expectTiles(page, expected.tiles, "figures");
  const placed = await widgetsShown(page);
  const wanted = expected.layout.map((widget) => ({
    id: widget.id,
    kind: widget.kind,
    column: `${widget.x + 1} / span ${widget.width}`,
    row: `${widget.y + 1} / span ${widget.height}`,
  }));
  const byId = (list) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  if (!same(byId(placed), byId(wanted))) {
    fail("figures", `widgets ${JSON.stringify(placed)}, the layout says ${JSON.stringify(wanted)}`);
  }
  await shoot(page, "figures");
  print({ step: "figures", ok: true, widgets: placed.length });

  // 3. The charts carry the figures.
  for (const [chart, bars] of Object.entries(expected.bars)) {
    const drawn = await barsOf(page, chart);
    if (!same(drawn, bars)) fail("charts", `${chart} draws ${JSON.stringify(drawn)}, not ${JSON.stringify(bars)}`);
  }
  const volume = page.locator("#dashboard-grid svg[data-chart=conversationVolume]");
  const points = await volume.locator("circle.point").evaluateAll((circles) =>
    circles.map((circle) => Number(circle.dataset.value)));
  const counted = points.reduce((sum, n) => sum + n, 0);
  if (counted !== expected.volume || (await volume.getAttribute("data-total")) !== String(expected.volume)) {
    fail("charts", `the volume chart counts ${counted} in ${points.length} points, not ${expected.volume}`);
  }
  print({ step: "charts", ok: true, volumePoints: points.length });

  // 4. A visitor comes; the tiles count them live, well before the periodic refresh.
  await visitorAsks("Do you sell gift cards?");
  await expectTiles(page, expected.live, "live", LIVE_MS);
  await shoot(page, "live");
  print({ step: "live", ok: true });

  // 5. The last 24 hours, hour by hour: 24 or 25 buckets holding every conversation.
  const before = await volume.locator("circle.point").count();
  await page.selectOption("#dashboard-range", "1");
  const hourly = page.locator("#dashboard-grid svg[data-chart=conversationVolume] circle.point");
  await page.waitForFunction((n) =>
    document.querySelectorAll("#dashboard-grid svg[data-chart=conversationVolume] circle.point").length !== n,
  before).catch(() => fail("range", "choosing 24 hours did not redraw the volume chart"));
  const hours = await hourly.evaluateAll((circles) => circles.map((circle) => Number(circle.dataset.value)));
  const inHours = hours.reduce((sum, n) => sum + n, 0);
  if (hours.length < 24 || hours.length > 25 || inHours !== expected.volume + 1) {
    fail("range", `24 hours drew ${hours.length} points counting ${inHours}`);
  }
  await shoot(page, "range");
  print({ step: "range", ok: true, points: hours.length });

  // 6. Edit the layout: remove satisfaction, add top intents, move resolution rate earlier.
  const widget = (kind) => page.locator(`#dashboard-grid .widget[data-kind=${kind}]`);
  const kindsShown = async () => (await widgetsShown(page)).map((shown) => shown.kind);
  const waitForKinds = (kinds, step) => page.waitForFunction((want) =>
    JSON.stringify([...document.querySelectorAll("#dashboard-grid .widget")].map((n) => n.dataset.kind))
      === JSON.stringify(want), kinds)
    .catch(async () => fail(step, `the widgets are ${JSON.stringify(await kindsShown())}, not ${JSON.stringify(kinds)}`));
  let kinds = await kindsShown();
  await page.click("#dashboard-edit");
  await widget("satisfaction").getByRole("button", { name: "Remove" }).click();
  kinds = kinds.filter((kind) => kind !== "satisfaction");
  await waitForKinds(kinds, "edit-layout");
  await page.selectOption("#dashboard-add-kind", "topIntents");
  await page.click("#dashboard-add-button");
  kinds = [...kinds, "topIntents"];
  await waitForKinds(kinds, "edit-layout");
  await page.selectOption("#dashboard-add-kind", "widgetFunnel");
  await page.click("#dashboard-add-button");
  kinds = [...kinds, "widgetFunnel"];
  await waitForKinds(kinds, "edit-layout");
  await widget("resolutionRate").getByRole("button", { name: "Earlier" }).click();
  const moved = kinds.indexOf("resolutionRate");
  [kinds[moved - 1], kinds[moved]] = [kinds[moved], kinds[moved - 1]];
  await waitForKinds(kinds, "edit-layout");
  await expectVisible(widget("topIntents").filter({ hasText: "No data yet." }), "edit-layout",
    "the top intents widget does not say it has no data yet");
  await expectVisible(widget("widgetFunnel").filter({ hasText: "Website widget" }), "edit-layout",
    "the website widget's funnel is not drawn");
  await shoot(page, "edit-layout");
  print({ step: "edit-layout", ok: true, kinds });

  // 7. After a reload the layout is the one saved.
  await page.reload();
  await page.click("#dashboard-tab");
  await expectTiles(page, expected.live, "reload");
  await waitForKinds(kinds, "reload");
  if (await page.locator("#dashboard-grid .widget-tools").count() > 0) fail("reload", "edit mode survived the reload");
  await shoot(page, "reload");
  print({ step: "reload", ok: true, kinds });

  // 8. The reports of the range on screen download with the user's token.
  const conversations = await download(page, "#export-conversations");
  const csv = conversations.bytes.toString("utf8");
  const lines = csv.split(/\r?\n/).filter((line) => line !== "");
  if (lines[0] !== expected.csvHeader || lines.length - 1 !== expected.csvRows) {
    fail("export", `${conversations.name}: header ${JSON.stringify(lines[0])} and ${lines.length - 1} rows`);
  }
  const summary = (await download(page, "#export-summary")).bytes.toString("utf8");
  const total = expected.live.totalConversations;
  if (!summary.split(/\r?\n/).includes(`total conversations,${total}`)) {
    fail("export", `the summary does not count ${total} conversations: ${summary}`);
  }
  const workbook = await download(page, "#export-xlsx");
  if (!workbook.name.endsWith(".xlsx") || workbook.bytes.subarray(0, 2).toString("latin1") !== "PK") {
    fail("export", `the workbook ${workbook.name} is not an XLSX (zip) file`);
  }
  if (await page.locator("#dashboard-error").innerText() !== "") {
    fail("export", `the dashboard reports: ${await page.locator("#dashboard-error").innerText()}`);
  }
  print({ step: "export", ok: true, file: conversations.name, csv });

  const violations = await blocked();
  if (violations.length > 0) fail("policy", `the console's own policy blocked: ${JSON.stringify(violations)}`);
  print({ step: "done", ok: true });
} finally {
  await browser.close();
}
