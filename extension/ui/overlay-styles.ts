import { splitShadowRootCss } from "wxt/utils/split-shadow-root-css";

/**
 * The overlay's Tailwind CSS lives only inside our shadow roots (preflight included: it resets our
 * widgets, never X's page). One constructable sheet is shared by every shadow root, so a timeline
 * full of widgets parses the CSS once. Chrome ignores @property inside shadow trees, so those
 * rules (Tailwind's --tw-* registrations, inert for X's page) go to the document once.
 */

/**
 * Stops X's inherited styles (color, line-height…) from piercing into the shadow root, then gives
 * widgets X's own font. The reset is unlayered, so it beats Tailwind's base layer, which sets the
 * font on :host too: the font must be named here.
 */
const HOST_RESET = `:host{all:initial;display:block;font-family:TwitterChirp,-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:20px;-webkit-font-smoothing:antialiased;}`;

let shared: { sheet: CSSStyleSheet; doc: Document } | null = null;

export function installOverlayCss(cssText: string, doc: Document = document): void {
  const { shadowCss, documentCss } = splitShadowRootCss(cssText.replaceAll(":root", ":host"));
  const sheet = new (doc.defaultView ?? window).CSSStyleSheet();
  sheet.replaceSync(`${HOST_RESET}\n${shadowCss}`);
  if (documentCss && !doc.querySelector("style[data-memefans-properties]")) {
    const style = doc.createElement("style");
    style.dataset.memefansProperties = "";
    style.textContent = documentCss;
    (doc.head ?? doc.documentElement).append(style);
  }
  shared = { sheet, doc };
}

export function adoptOverlayCss(shadow: ShadowRoot): void {
  if (!shared) installOverlayCss("");
  if (shared) shadow.adoptedStyleSheets = [shared.sheet];
}
