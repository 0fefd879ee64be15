import { createTheme, type Theme } from "@mui/material/styles";
import type { XTheme } from "./x-theme.ts";

/**
 * X's own colours for each display theme, so a widget reads as part of the post. `danger` and
 * `success` are X's red and green, darkened or lightened until text in them meets WCAG AA (4.5:1)
 * on both `background` and `paper` (mui-theme.test.ts computes it).
 */
export const xPalettes = {
  light: {
    background: "#ffffff",
    paper: "#f7f9f9",
    text: "#0f1419",
    secondary: "#536471",
    border: "#cfd9de",
    danger: "#c8121e",
    success: "#00795a",
  },
  dim: {
    background: "#15202b",
    paper: "#1e2732",
    text: "#f7f9f9",
    secondary: "#8b98a5",
    border: "#38444d",
    danger: "#ff6b74",
    success: "#2ed3a0",
  },
  dark: {
    background: "#000000",
    paper: "#16181c",
    text: "#e7e9ea",
    secondary: "#8b9298",
    border: "#2f3336",
    danger: "#ff5c66",
    success: "#1fcf94",
  },
} as const;

const X_BLUE = "#1d9bf0";

/**
 * A MUI theme in X's palette whose portals (dialogs, menus, tooltips) stay inside the widget's
 * shadow root instead of document.body, where X's CSS would reach them.
 */
export function overlayTheme(mode: XTheme, portalContainer: HTMLElement): Theme {
  const palette = xPalettes[mode];
  const container = { container: portalContainer };
  return createTheme({
    palette: {
      mode: mode === "light" ? "light" : "dark",
      primary: { main: X_BLUE, contrastText: "#ffffff" },
      background: { default: palette.background, paper: palette.paper },
      text: { primary: palette.text, secondary: palette.secondary },
      divider: palette.border,
    },
    shape: { borderRadius: 16 },
    typography: {
      fontFamily: 'TwitterChirp, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
      fontSize: 14,
      button: { textTransform: "none", fontWeight: 700 },
    },
    components: {
      MuiPopover: { defaultProps: container },
      MuiPopper: { defaultProps: container },
      MuiModal: { defaultProps: container },
      MuiDialog: { defaultProps: container },
      MuiMenu: { defaultProps: container },
      MuiTooltip: { defaultProps: { slotProps: { popper: container } } },
      MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { root: { borderRadius: 9999 } } },
    },
  });
}
