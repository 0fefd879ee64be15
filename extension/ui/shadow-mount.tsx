import createCache, { type EmotionCache } from "@emotion/cache";
import { CacheProvider } from "@emotion/react";
import { ThemeProvider } from "@mui/material/styles";
import { type CSSProperties, type ReactNode, StrictMode, useEffect, useMemo } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "react-redux";
import { OVERLAY_TAG } from "../features/post-scanner.ts";
import { useOverlaySelector } from "../store/hooks.ts";
import type { OverlayStore } from "../store/store.ts";
import { overlayTheme, xPalettes } from "./mui-theme.ts";
import { adoptOverlayCss } from "./overlay-styles.ts";
import type { XTheme } from "./x-theme.ts";

/**
 * Every widget renders in its own open shadow root: X's CSS cannot reach in, and ours (Tailwind via
 * the shared sheet, MUI via an emotion cache whose container is this shadow root) cannot leak out.
 */

export type Placement = "before" | "after" | "first" | "last";

export interface ShadowMountOptions {
  anchor: Element;
  placement: Placement;
  /** Names the widget on its host element (data-memefans-feature), for tests and diagnostics. */
  feature: string;
  store: OverlayStore;
  /**
   * The widget uses MUI: give it an emotion cache inside this shadow root and X's palette as a MUI
   * theme, with dialogs, menus and tooltips portalled into the shadow root too. Plain Tailwind
   * widgets (the claim card) skip this and mount faster.
   */
  mui?: boolean;
  children: ReactNode;
}

export interface ShadowMount {
  host: HTMLElement;
  shadow: ShadowRoot;
  remove(): void;
}

/**
 * Events that leave the shadow root are retargeted to the host and would reach X: a click inside a
 * widget would open the post, and typing would fire X's keyboard shortcuts (j, k, l, r…).
 */
const EVENTS_KEPT_INSIDE = ["click", "mousedown", "mouseup", "pointerdown", "pointerup", "keydown", "keyup", "keypress", "input"];

export function mountInShadow({ anchor, placement, feature, store, mui = false, children }: ShadowMountOptions): ShadowMount {
  const doc = anchor.ownerDocument;
  const host = doc.createElement(OVERLAY_TAG);
  host.dataset.memefansFeature = feature;
  for (const type of EVENTS_KEPT_INSIDE) host.addEventListener(type, (event) => event.stopPropagation());
  const shadow = host.attachShadow({ mode: "open" });
  adoptOverlayCss(shadow);
  const container = doc.createElement("div");
  container.className = "memefans-root";
  shadow.append(container);

  if (placement === "before") anchor.before(host);
  else if (placement === "after") anchor.after(host);
  else if (placement === "first") anchor.prepend(host);
  else anchor.append(host);

  const root = createRoot(container);
  const themed = (
    <XThemed
      host={host}
      mui={mui ? { portal: container, cache: createCache({ key: "memefans", container: shadow, prepend: true }) } : null}
    >
      {children}
    </XThemed>
  );
  root.render(
    <StrictMode>
      <Provider store={store}>{themed}</Provider>
    </StrictMode>,
  );
  return {
    host,
    shadow,
    remove() {
      root.unmount();
      host.remove();
    },
  };
}

interface MuiLayer {
  portal: HTMLElement;
  cache: EmotionCache;
}

function XThemed({ host, mui, children }: { host: HTMLElement; mui: MuiLayer | null; children: ReactNode }) {
  const mode = useOverlaySelector((state) => state.theme.mode);
  useEffect(() => {
    host.dataset.xTheme = mode;
  }, [host, mode]);
  const palette = xPalettes[mode];
  const body = (
    <div
      className="memefans-themed"
      data-x-theme={mode}
      style={
        {
          "--mf-bg": palette.background,
          "--mf-paper": palette.paper,
          "--mf-text": palette.text,
          "--mf-muted": palette.secondary,
          "--mf-border": palette.border,
          "--mf-danger": palette.danger,
          "--mf-success": palette.success,
          color: palette.text,
        } as CSSProperties
      }
    >
      {children}
    </div>
  );
  return mui ? (
    <MuiThemed mode={mode} layer={mui}>
      {body}
    </MuiThemed>
  ) : (
    body
  );
}

function MuiThemed({ mode, layer, children }: { mode: XTheme; layer: MuiLayer; children: ReactNode }) {
  const theme = useMemo(() => overlayTheme(mode, layer.portal), [mode, layer.portal]);
  return (
    <CacheProvider value={layer.cache}>
      <ThemeProvider theme={theme}>{children}</ThemeProvider>
    </CacheProvider>
  );
}
