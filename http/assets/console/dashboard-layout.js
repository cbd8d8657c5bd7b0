// The user's widget layout (`/v1/dashboard/layout`: `{widgets: [{id, kind, x, y, width,
// height}]}` on a 12-column grid) and the edits the dashboard offers: remove a widget, add one,
// move one earlier or later in reading order. Every edit returns a new layout whose widgets are
// packed again in order, each at the first place, top to bottom and left to right, where it fits
// whole, so widgets never overlap whatever their sizes.

import { call } from "./api.js";

const COLUMNS = 12;

export const loadLayout = () => call("GET", "/v1/dashboard/layout");
export const saveLayout = (layout) => call("PUT", "/v1/dashboard/layout", layout);

/// The widgets top to bottom, then left to right.
export const inReadingOrder = (widgets) => [...widgets].sort((a, b) => a.y - b.y || a.x - b.x);

/// `widgets` placed in their order at the first free place each fits.
function packed(widgets) {
  const taken = new Set();
  const free = (x, y, width, height) => {
    for (let row = y; row < y + height; row += 1) {
      for (let column = x; column < x + width; column += 1) {
        if (taken.has(`${column},${row}`)) return false;
      }
    }
    return true;
  };
  return widgets.map((widget) => {
    const width = Math.min(Math.max(widget.width, 1), COLUMNS);
    for (let y = 0; ; y += 1) {
      for (let x = 0; x + width <= COLUMNS; x += 1) {
        if (!free(x, y, width, widget.height)) continue;
        for (let row = y; row < y + widget.height; row += 1) {
          for (let column = x; column < x + width; column += 1) taken.add(`${column},${row}`);
        }
        return { ...widget, x, y, width };
      }
    }
  });
}

const relaid = (widgets) => ({ widgets: packed(widgets) });

/// Without the widget `id`.
export function withoutWidget(layout, id) {
  return relaid(inReadingOrder(layout.widgets).filter((widget) => widget.id !== id));
}

/// With a widget of `kind` and `[width, height]` at the end, under a fresh id.
export function withWidget(layout, kind, [width, height]) {
  const ids = new Set(layout.widgets.map((widget) => widget.id));
  let n = layout.widgets.length + 1;
  while (ids.has(`w${n}`)) n += 1;
  const widget = { id: `w${n}`, kind, x: 0, y: 0, width, height };
  return relaid([...inReadingOrder(layout.widgets), widget]);
}

/// With the widget `id` moved `step` places (-1 earlier, +1 later) in reading order.
export function withWidgetMoved(layout, id, step) {
  const widgets = inReadingOrder(layout.widgets);
  const from = widgets.findIndex((widget) => widget.id === id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= widgets.length) return layout;
  [widgets[from], widgets[to]] = [widgets[to], widgets[from]];
  return relaid(widgets);
}
