// The building blocks of the dashboard's charts: SVG elements made through the DOM (the page's
// policy allows no inline markup or styles), a drawing of fixed size that scales to its box,
// and shapes that carry their figure in `data-*` attributes and a `<title>` tooltip, so a reader
// hovering and a test reading the page see the same numbers. Colours come from console.css.

const SVG = "http://www.w3.org/2000/svg";

/// An SVG element `name` with `attributes`, and `tooltip` as its `<title>` when given.
export function shape(name, attributes = {}, tooltip) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (tooltip) {
    const title = document.createElementNS(SVG, "title");
    title.textContent = tooltip;
    node.append(title);
  }
  return node;
}

/// A text at (`x`, `y`) with `attributes` (`class`, `text-anchor`...).
export function label(x, y, content, attributes = {}) {
  const node = shape("text", { x, y, ...attributes });
  node.textContent = content;
  return node;
}

/// The drawing: `width` × `height` user units, scaled to fit its box; `description` is what a
/// screen reader says of it, `name` goes to `data-chart`.
export function drawing(name, width, height, description) {
  return shape("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "chart",
    role: "img",
    "aria-label": description,
    "data-chart": name,
  });
}
