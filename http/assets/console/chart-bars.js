// A horizontal bar chart: one row per bar with its label on the left, the bar scaled to the
// largest value, and its value written after it. A bar without a value (no measurement yet) is
// drawn empty and written "–". Each bar carries `data-label` and `data-value` (the raw number,
// empty when there is none) and a tooltip.

import { drawing, label, shape } from "./chart-svg.js";

const WIDTH = 400;
const ROW = 26;
const LABEL_WIDTH = 120;
const VALUE_WIDTH = 70;
const BAR_HEIGHT = 16;

/// `bars`: `[{label, value, text, variant}]`: `value` a number or null, `text` how it is written,
/// `variant` an extra class for its colour. `name` and `description` as for `drawing`.
export function barChart(name, description, bars) {
  const height = Math.max(bars.length, 1) * ROW + 4;
  const svg = drawing(name, WIDTH, height, description);
  const largest = Math.max(0, ...bars.map((bar) => bar.value ?? 0));
  const room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  bars.forEach((bar, row) => {
    const top = row * ROW + 4;
    const middle = top + BAR_HEIGHT / 2 + 4;
    const length = largest > 0 && bar.value ? Math.max(1, (bar.value / largest) * room) : 0;
    svg.append(
      label(LABEL_WIDTH - 8, middle, bar.label, { class: "label", "text-anchor": "end" }),
      shape("rect", {
        x: LABEL_WIDTH,
        y: top,
        width: length.toFixed(1),
        height: BAR_HEIGHT,
        rx: 2,
        class: ["bar", bar.variant].filter(Boolean).join(" "),
        "data-label": bar.label,
        "data-value": bar.value ?? "",
      }, `${bar.label}: ${bar.text}`),
      label(LABEL_WIDTH + length + 6, middle, bar.text, { class: "value" }),
    );
  });
  return svg;
}
