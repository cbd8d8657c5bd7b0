// An area chart of a count over time: conversations per hour or per day, as the metrics'
// `conversationsOverTime` lists them (every bucket, zeros included). The y axis runs from zero
// to the largest count; the x axis names the first and the last bucket. Each bucket is a point
// carrying `data-start` and `data-value` and a tooltip; the drawing carries the sum in
// `data-total`.

import { drawing, label, shape } from "./chart-svg.js";

const WIDTH = 400;
const HEIGHT = 180;
const LEFT = 34;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 22;

/// How a bucket's start is written: its hour for hourly buckets, its day otherwise.
function bucketName(start, bucket) {
  const at = new Date(start);
  return bucket === "hour"
    ? at.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })
    : at.toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

/// `series`: `{bucket: "hour" | "day", points: [{start, conversations}]}`.
export function areaChart(name, description, series) {
  const points = series?.points ?? [];
  const svg = drawing(name, WIDTH, HEIGHT, description);
  const total = points.reduce((sum, point) => sum + point.conversations, 0);
  svg.setAttribute("data-total", String(total));
  const largest = Math.max(1, ...points.map((point) => point.conversations));
  const bottom = HEIGHT - BOTTOM;
  const step = (WIDTH - LEFT - RIGHT) / Math.max(points.length - 1, 1);
  const x = (index) => LEFT + index * step;
  const y = (count) => bottom - (count / largest) * (bottom - TOP);

  svg.append(
    shape("line", { x1: LEFT, y1: bottom, x2: WIDTH - RIGHT, y2: bottom, class: "axis" }),
    label(LEFT - 6, bottom, "0", { class: "label", "text-anchor": "end" }),
    label(LEFT - 6, TOP + 8, String(largest), { class: "label", "text-anchor": "end" }),
  );
  if (points.length === 0) return svg;

  const line = points.map((point, index) => `${x(index).toFixed(1)},${y(point.conversations).toFixed(1)}`);
  svg.append(
    shape("path", { d: `M${x(0)},${bottom} L${line.join(" L")} L${x(points.length - 1)},${bottom} Z`, class: "area" }),
    shape("polyline", { points: line.join(" "), class: "line" }),
    label(LEFT, HEIGHT - 6, bucketName(points[0].start, series.bucket), { class: "label" }),
    label(WIDTH - RIGHT, HEIGHT - 6, bucketName(points[points.length - 1].start, series.bucket),
      { class: "label", "text-anchor": "end" }),
  );
  points.forEach((point, index) => {
    const when = bucketName(point.start, series.bucket);
    svg.append(shape("circle", {
      cx: x(index).toFixed(1),
      cy: y(point.conversations).toFixed(1),
      r: 3,
      class: "point",
      "data-start": point.start,
      "data-value": point.conversations,
    }, `${when}: ${point.conversations} conversation${point.conversations === 1 ? "" : "s"}`));
  });
  return svg;
}
