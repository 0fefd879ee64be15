import { themeDetected } from "../store/theme-slice.ts";
import { watchXTheme } from "../ui/x-theme.ts";
import { everywhere, type Feature } from "./overlay.ts";

/**
 * Keeps every widget in X's display theme (Default, Dim, Lights out) as the fan switches it.
 *
 * Test URLs: https://x.com/i/display (switch the background there).
 */
export const followXTheme: Feature = {
  runsOn: everywhere,
  init(signal, overlay) {
    watchXTheme((theme) => overlay.store.dispatch(themeDetected(theme)), signal, overlay.doc);
  },
};
