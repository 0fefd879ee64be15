import { ThemeProvider } from "@mui/material/styles";
import { type ReactNode, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { overlayTheme } from "../../ui/mui-theme.ts";

/** Mounts one of our extension pages (popup, options, approval window) with X's look, light or dark as the system prefers. */
export function mountPage(app: ReactNode): void {
  const root = document.getElementById("root");
  if (!root) throw new Error("#root is missing from the page's HTML");
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.classList.toggle("dark", dark);
  createRoot(root).render(
    <StrictMode>
      <ThemeProvider theme={overlayTheme(dark ? "dark" : "light", document.body)}>{app}</ThemeProvider>
    </StrictMode>,
  );
}
