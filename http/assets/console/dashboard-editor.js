// The dashboard's layout editing controls: in edit mode every widget gets buttons that move it
// earlier or later in reading order and remove it, and the "add" list offers the kinds the
// layout does not show yet. Each control hands `edit` a change (a function from a layout to the
// new layout); the dashboard saves what it returns.

import { withWidget, withWidgetMoved, withoutWidget } from "./dashboard-layout.js";
import { WIDGETS } from "./dashboard-widgets.js";

function toolButton(text, label, onClick, disabled) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = text;
  button.setAttribute("aria-label", label);
  button.disabled = disabled;
  button.addEventListener("click", onClick);
  return button;
}

/// Adds the edit buttons to `widget` (drawn by `drawWidget`), the `index`th of `count` widgets.
export function addWidgetTools(widget, index, count, edit) {
  const id = widget.dataset.id;
  const title = widget.querySelector("h3").textContent;
  const tools = document.createElement("div");
  tools.className = "widget-tools";
  tools.append(
    toolButton("Earlier", `Move ${title} earlier`,
      () => edit((layout) => withWidgetMoved(layout, id, -1)), index === 0),
    toolButton("Later", `Move ${title} later`,
      () => edit((layout) => withWidgetMoved(layout, id, 1)), index === count - 1),
    toolButton("Remove", `Remove ${title}`, () => edit((layout) => withoutWidget(layout, id)), false),
  );
  widget.querySelector("h3").append(tools);
}

/// Fills `select` with the kinds `layout` does not show; whether there is any.
export function offerMissingKinds(select, layout) {
  const shown = new Set((layout?.widgets ?? []).map((widget) => widget.kind));
  const missing = Object.keys(WIDGETS).filter((kind) => !shown.has(kind));
  select.replaceChildren(...missing.map((kind) => new Option(WIDGETS[kind].title, kind)));
  return missing.length > 0;
}

/// The change that adds a widget of `kind` at the end, at its usual size.
export const addingKind = (kind) => (layout) => withWidget(layout, kind, WIDGETS[kind].size);
