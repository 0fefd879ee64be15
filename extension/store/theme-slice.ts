import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { XTheme } from "../ui/x-theme.ts";

/** X's display theme, which every widget follows. */
export const themeSlice = createSlice({
  name: "theme",
  initialState: { mode: "light" as XTheme },
  reducers: {
    themeDetected(state, action: PayloadAction<XTheme>) {
      state.mode = action.payload;
    },
  },
});

export const { themeDetected } = themeSlice.actions;
