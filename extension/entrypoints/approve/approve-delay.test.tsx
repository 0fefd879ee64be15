// @vitest-environment happy-dom

import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { APPROVE_DELAY_MS, useApproveReady } from "./approve-delay.ts";

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

function Probe({ shown }: { shown: string | undefined }) {
  return <span>{useApproveReady(shown) ? "ready" : "inert"}</span>;
}

let root: Root;
let container: HTMLElement;
beforeEach(() => {
  vi.useFakeTimers();
  container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.useRealTimers();
});

const render = (shown: string | undefined) => act(() => root.render(<Probe shown={shown} />));
const wait = (ms: number) => act(() => vi.advanceTimersByTime(ms));

describe("Approve's delay", () => {
  it("stays inert for a second after the request is shown", () => {
    render(undefined);
    wait(5 * APPROVE_DELAY_MS);
    expect(container.textContent).toBe("inert");
    render("request A");
    wait(APPROVE_DELAY_MS - 1);
    expect(container.textContent).toBe("inert");
    wait(1);
    expect(container.textContent).toBe("ready");
  });

  it("starts over when the window is focused again or the request changes", () => {
    render("request A");
    wait(APPROVE_DELAY_MS);
    act(() => window.dispatchEvent(new Event("focus")));
    expect(container.textContent).toBe("inert");
    wait(APPROVE_DELAY_MS);
    expect(container.textContent).toBe("ready");
    render("request B");
    expect(container.textContent).toBe("inert");
    wait(APPROVE_DELAY_MS);
    expect(container.textContent).toBe("ready");
  });
});
