/**
 * X has three display themes and paints the <body> background with them: Default (white),
 * Dim (dark blue) and Lights out (black). Widgets follow whichever is on.
 */
export type XTheme = "light" | "dim" | "dark";

export function themeFromBackground(color: string): XTheme {
  const channels = /rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)(?:[\s,/]+([\d.]+))?/.exec(color);
  if (!channels) return "light";
  const [red, green, blue, alpha] = [Number(channels[1]), Number(channels[2]), Number(channels[3]), channels[4]];
  if (alpha !== undefined && Number(alpha) === 0) return "light";
  const luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
  if (luminance > 128) return "light";
  // Lights out is pure black; Dim is rgb(21, 32, 43).
  return red + green + blue < 24 ? "dark" : "dim";
}

export function currentXTheme(doc: Document = document): XTheme {
  const body = doc.body;
  if (!body) return "light";
  return themeFromBackground(body.style.backgroundColor || getComputedStyle(body).backgroundColor);
}

/** Calls `onChange` with the theme now and whenever X switches it (it rewrites <body>'s style). */
export function watchXTheme(onChange: (theme: XTheme) => void, signal: AbortSignal, doc: Document = document): void {
  let last = currentXTheme(doc);
  onChange(last);
  const observer = new MutationObserver(() => {
    const next = currentXTheme(doc);
    if (next !== last) {
      last = next;
      onChange(next);
    }
  });
  observer.observe(doc.body, { attributes: true, attributeFilter: ["style", "class"] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ["style", "class"] });
  signal.addEventListener("abort", () => observer.disconnect(), { once: true });
}
