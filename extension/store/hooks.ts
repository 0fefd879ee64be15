import { useDispatch, useSelector } from "react-redux";
import type { OverlayDispatch, OverlayState } from "./store.ts";

export const useOverlayDispatch = useDispatch.withTypes<OverlayDispatch>();
export const useOverlaySelector = useSelector.withTypes<OverlayState>();
