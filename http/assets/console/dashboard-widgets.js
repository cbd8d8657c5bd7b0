// The dashboard's widgets: for each kind a layout may hold (the server's `WidgetKind` names), its
// title, the size it gets when added, and how it draws the metrics of `/v1/dashboard/metrics`:
// a figure, an area chart or a bar chart. Top intents and sentiment count the conversations a
// language model analysed; with none analysed, they and kinds this console does not know draw a
// tile saying there is no data yet.

import { barChart } from "./chart-bars.js";
import { areaChart } from "./chart-line.js";

const TILE = [3, 2];
const CHART = [6, 4];

const percent = (ratio) => (ratio === null || ratio === undefined ? "–" : `${Math.round(ratio * 100)}%`);

/// A duration in milliseconds as a person reads it: `350 ms`, `4.2 s`, `3.5 min`.
function duration(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

const count = (value) => ({ value, text: String(value) });

function figure(value, text) {
  const node = document.createElement("strong");
  node.className = "figure";
  node.dataset.value = value ?? "";
  node.textContent = text;
  return node;
}

function noData() {
  const node = document.createElement("p");
  node.className = "no-data";
  node.textContent = "No data yet.";
  return node;
}

function responseBars(metrics) {
  const bars = [];
  for (const [name, percentiles, variant] of [
    ["First reply", metrics.firstResponseMs, "first"],
    ["Reply", metrics.responseMs, "overall"],
  ]) {
    for (const rank of ["p50", "p90", "p95"]) {
      const ms = percentiles?.[rank] ?? null;
      bars.push({ label: `${name} ${rank}`, value: ms, text: duration(ms), variant });
    }
  }
  return bars;
}

/// `salesLead` → `sales lead`.
const intentLabel = (intent) => intent.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);

/// Every kind, in the order the "add" list offers them.
export const WIDGETS = {
  totalConversations: {
    title: "Conversations",
    size: TILE,
    draw: (metrics) => figure(metrics.totalConversations, String(metrics.totalConversations)),
  },
  activeSessions: {
    title: "Active conversations",
    size: TILE,
    draw: (metrics) => figure(metrics.activeSessions, String(metrics.activeSessions)),
  },
  resolutionRate: {
    title: "Resolution rate",
    size: TILE,
    draw: (metrics) => figure(metrics.resolutionRate, percent(metrics.resolutionRate)),
  },
  satisfaction: {
    title: "Average satisfaction",
    size: TILE,
    draw: (metrics) => figure(metrics.averageSatisfaction,
      metrics.averageSatisfaction === null || metrics.averageSatisfaction === undefined
        ? "–" : metrics.averageSatisfaction.toFixed(1)),
  },
  conversationVolume: {
    title: "Conversations over time",
    size: CHART,
    draw: (metrics) => areaChart("conversationVolume", "Conversations started over time",
      metrics.conversationsOverTime),
  },
  responseTime: {
    title: "Response times",
    size: CHART,
    draw: (metrics) => barChart("responseTime", "First reply and reply times, p50, p90 and p95",
      responseBars(metrics)),
  },
  channelBreakdown: {
    title: "Channels",
    size: CHART,
    draw: (metrics) => barChart("channelBreakdown", "Conversations per channel",
      (metrics.channels ?? []).map((channel) => ({ label: channel.channel, ...count(channel.conversations) }))),
  },
  botVsAgent: {
    title: "Bot vs agent",
    size: CHART,
    draw: (metrics) => {
      const handling = metrics.handling ?? {};
      return barChart("botVsAgent", "Conversations answered by the bot only, by an agent, or not at all", [
        { label: "bot only", variant: "bot", ...count(handling.botOnly ?? 0) },
        { label: "agent", variant: "agent", ...count(handling.agent ?? 0) },
        { label: "unanswered", variant: "unanswered", ...count(handling.unanswered ?? 0) },
      ]);
    },
  },
  topIntents: {
    title: "Top intents",
    size: CHART,
    draw: (metrics) => {
      const intents = metrics.topIntents ?? [];
      if (intents.length === 0) return noData();
      return barChart("topIntents", "Analysed conversations per intent, the most frequent first",
        intents.map((found) => ({ label: intentLabel(found.intent), ...count(found.conversations) })));
    },
  },
  sentimentDistribution: {
    title: "Sentiment",
    size: CHART,
    draw: (metrics) => {
      const sentiment = metrics.sentiment ?? {};
      if (!sentiment.analysed) return noData();
      const share = (value) => ({ value, text: `${Math.round(value)}%` });
      return barChart("sentimentDistribution",
        `Mean sentiment of the ${sentiment.analysed} analysed conversations`, [
          { label: "positive", variant: "positive", ...share(sentiment.positive) },
          { label: "neutral", variant: "neutral", ...share(sentiment.neutral) },
          { label: "negative", variant: "negative", ...share(sentiment.negative) },
        ]);
    },
  },
  widgetFunnel: {
    title: "Website widget",
    size: CHART,
    draw: (metrics) => {
      const funnel = metrics.widget ?? {};
      if (!funnel.loads) return noData();
      return barChart("widgetFunnel",
        `Pages the widget loaded on, opened on (${percent(funnel.openRate)}) and conversations (${percent(funnel.conversationRate)})`, [
          { label: "loaded", ...count(funnel.loads) },
          { label: "opened", ...count(funnel.opens ?? 0) },
          { label: "conversations", ...count(funnel.conversations ?? 0) },
        ]);
    },
  },
};


/// The widget `placement` (`{id, kind, x, y, width, height}`) drawn from `metrics` (null while
/// they load), placed on the 12-column grid.
export function drawWidget(placement, metrics) {
  const known = WIDGETS[placement.kind];
  const widget = document.createElement("article");
  widget.className = "widget";
  widget.dataset.id = placement.id;
  widget.dataset.kind = placement.kind;
  // Grid placement through the CSSOM, which the page's style policy allows.
  widget.style.gridColumn = `${placement.x + 1} / span ${placement.width}`;
  widget.style.gridRow = `${placement.y + 1} / span ${placement.height}`;
  const title = document.createElement("h3");
  title.textContent = known?.title ?? placement.kind;
  const body = !known ? noData() : metrics ? known.draw(metrics) : document.createTextNode("…");
  widget.append(title, body);
  return widget;
}
