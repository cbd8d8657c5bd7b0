// The dashboard strip above the queues: the organisation's headline figures of the last seven
// days from `/v1/dashboard/metrics`, refreshed every 15 s and soon after a conversation changes
// or a message arrives.
// Users without the Dashboard module never see it.

import { call } from "./api.js";

const EVERY_MS = 15_000;
const SOON_MS = 1_000;

const percent = (ratio) => (ratio === null || ratio === undefined ? "–" : `${Math.round(ratio * 100)}%`);
const seconds = (ms) => (ms === null || ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);

/// The figures shown, as [label, text] pairs.
function figures(metrics) {
  const handling = metrics.handling ?? {};
  return [
    ["Conversations", String(metrics.totalConversations)],
    ["Active", String(metrics.activeSessions)],
    ["Resolved", percent(metrics.resolutionRate)],
    ["First reply p50", seconds(metrics.firstResponseMs?.p50)],
    ["Reply p90", seconds(metrics.responseMs?.p90)],
    ["Bot / agent", `${handling.botOnly ?? 0} / ${handling.agent ?? 0}`],
  ];
}

function render(panel, metrics) {
  const tiles = figures(metrics).map(([label, text]) => {
    const tile = document.createElement("div");
    tile.className = "tile";
    const value = document.createElement("strong");
    value.textContent = text;
    const name = document.createElement("span");
    name.textContent = label;
    tile.append(value, name);
    return tile;
  });
  panel.replaceChildren(...tiles);
  panel.hidden = false;
}

/// Starts the strip in `panel`; returns `{changed(), stop()}`: `changed` refreshes it within a
/// second (a burst of changes refreshes it once, and never postpones a refresh already due).
export function startDashboard(panel) {
  let timer = null;
  let soon = false;
  let stopped = false;
  async function refresh() {
    clearTimeout(timer);
    soon = false;
    if (stopped) return;
    try {
      render(panel, await call("GET", "/v1/dashboard/metrics"));
    } catch (error) {
      // Without the Dashboard module the strip stays hidden for good; other failures retry.
      if (error?.status === 403) {
        panel.hidden = true;
        stopped = true;
        return;
      }
    }
    timer = setTimeout(refresh, EVERY_MS);
  }
  refresh();
  return {
    changed() {
      if (stopped || soon) return;
      soon = true;
      clearTimeout(timer);
      timer = setTimeout(refresh, SOON_MS);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
