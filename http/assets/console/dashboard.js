// The managers' dashboard: a view beside the queues that draws the organisation's figures of
// the chosen range (`/v1/dashboard/metrics`) as the widgets of the user's saved layout. While it
// is shown it refreshes every 15 s, and soon after a conversation changes or a message arrives.
// Its bar holds the range, the report downloads and layout editing; each edit is saved at once.
// Users without the Dashboard module never see its tab.

import { call } from "./api.js";
import { EXPORTS, downloadReport } from "./dashboard-export.js";
import { addWidgetTools, addingKind, offerMissingKinds } from "./dashboard-editor.js";
import { inReadingOrder, loadLayout, saveLayout } from "./dashboard-layout.js";
import { drawWidget } from "./dashboard-widgets.js";

const EVERY_MS = 15_000;
const SOON_MS = 1_000;
const DAY_MS = 86_400_000;

const $ = (id) => document.getElementById(id);

/// The last `days` days up to now, as the API reads a range.
function lastDays(days) {
  const to = Date.now();
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

/// Starts the dashboard of the `panel` section and its `tab` button; returns `{show(), hide(),
/// changed(), stop()}`. `changed` refreshes a shown dashboard within a second (a burst of changes
/// refreshes it once, and never postpones a refresh already due).
export function startDashboard(panel, tab) {
  const grid = $("dashboard-grid");
  const wiring = new AbortController();
  const state = { layout: null, metrics: null, range: null, editing: false, shown: false, stopped: false };
  let timer = null;
  let retry = null;
  let soon = false;
  let asked = 0;

  const showError = (error) => {
    $("dashboard-error").textContent = error?.message ?? "";
  };

  function draw() {
    const widgets = inReadingOrder(state.layout?.widgets ?? []);
    grid.replaceChildren(...widgets.map((placement, index) => {
      const widget = drawWidget(placement, state.metrics);
      if (state.editing) addWidgetTools(widget, index, widgets.length, edit);
      return widget;
    }));
    $("dashboard-add").hidden = !(state.editing && offerMissingKinds($("dashboard-add-kind"), state.layout));
    $("dashboard-edit").setAttribute("aria-pressed", String(state.editing));
  }

  /// Without the Dashboard module the tab goes for good; other failures are shown and retried.
  function failed(error) {
    if (error?.status === 403) stop();
    else showError(error);
  }

  async function refresh() {
    clearTimeout(timer);
    soon = false;
    if (state.stopped || !state.shown) return;
    const mine = ++asked;
    const range = lastDays(Number($("dashboard-range").value));
    try {
      const metrics = await call("GET", `/v1/dashboard/metrics?${new URLSearchParams(range)}`);
      if (mine !== asked) return; // a newer refresh (another range) answers instead
      Object.assign(state, { metrics, range });
      showError(null);
      $("dashboard-updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
      draw();
    } catch (error) {
      failed(error);
    }
    if (state.stopped || !state.shown) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, EVERY_MS);
  }

  async function edit(change) {
    try {
      state.layout = await saveLayout(change(state.layout));
      showError(null);
    } catch (error) {
      failed(error);
    }
    draw();
  }

  /// Loads the layout; the tab shows once it has (the layout needs the Dashboard module too).
  async function loadTab() {
    try {
      state.layout = await loadLayout();
      if (!state.stopped) tab.hidden = false;
    } catch (error) {
      if (error?.status === 403) stop();
      else retry = setTimeout(loadTab, EVERY_MS);
    }
  }

  function setShown(shown) {
    state.shown = shown && !state.stopped;
    panel.hidden = !state.shown;
    tab.classList.toggle("active", state.shown);
    tab.setAttribute("aria-pressed", String(state.shown));
    if (state.shown) refresh();
    else clearTimeout(timer);
  }

  /// Hides the tab and the view for good.
  function stop() {
    state.stopped = true;
    tab.hidden = true;
    panel.hidden = true;
    clearTimeout(timer);
    clearTimeout(retry);
    wiring.abort();
  }

  const on = (id, event, handler) => $(id).addEventListener(event, handler, { signal: wiring.signal });
  on("dashboard-range", "change", refresh);
  on("dashboard-edit", "click", () => {
    state.editing = !state.editing;
    draw();
  });
  on("dashboard-add-button", "click", () => {
    const kind = $("dashboard-add-kind").value;
    if (kind) edit(addingKind(kind));
  });
  for (const [id, file] of EXPORTS) {
    on(id, "click", () => {
      showError(null);
      downloadReport(file, state.range ?? lastDays(Number($("dashboard-range").value))).catch(showError);
    });
  }
  loadTab();

  return {
    show: () => setShown(true),
    hide: () => setShown(false),
    changed() {
      if (state.stopped || !state.shown || soon) return;
      soon = true;
      clearTimeout(timer);
      timer = setTimeout(refresh, SOON_MS);
    },
    stop,
  };
}
