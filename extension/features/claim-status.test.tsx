// @vitest-environment happy-dom

import { act } from "react";
import { createRoot } from "react-dom/client";
import { Provider } from "react-redux";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { backendApi } from "../api/backend-api.ts";
import type { Claim } from "../messaging/shapes.ts";
import { createOverlayStore } from "../store/store.ts";
import { ClaimStatus } from "./claim-status.tsx";
import { eventually } from "./testing/overlay-harness.ts";
import { workerDouble } from "./testing/worker-double.ts";

const CLAIM_ID = "0b7e2a9c-5d1f-4c3e-9a8b-7f6e5d4c3b2a";

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function claimIn(state: Pick<Claim, "status"> & Partial<Claim>): Claim {
  return {
    id: CLAIM_ID,
    distribution: "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU",
    wallet: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
    xUserId: "2002",
    slot: 12,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...state,
  };
}

/** ClaimStatus for the claim `current()` answers, in the overlay's store, with the presses of Claim again counted. */
async function renderStatus(current: () => Claim, busy = false, closedBecause?: string) {
  const worker = workerDouble({
    "claims/get": () => ({ claim: current() }),
    "settings/get": () => ({ backendUrl: "http://127.0.0.1:8787", rpcUrl: "", walletChoice: "builtin", autoLockMinutes: 15 }),
  });
  const store = createOverlayStore({ extra: { transport: worker.transport } });
  const presses: number[] = [];
  const host = document.createElement("div");
  document.body.append(host);
  const root = createRoot(host);
  await act(async () =>
    root.render(
      <Provider store={store}>
        <ClaimStatus
          claimId={CLAIM_ID}
          busy={busy}
          {...(closedBecause ? { closedBecause } : { onClaimAgain: () => presses.push(1) })}
        />
      </Provider>,
    ),
  );
  unmount = () => {
    act(() => root.unmount());
    host.remove();
  };
  const status = () => host.querySelector('[data-testid="memefans-claim-status"]') as HTMLElement;
  await eventually(() => expect(status().getAttribute("data-status")).not.toBe("loading"));
  return {
    host,
    store,
    worker,
    presses,
    status,
    again: () => host.querySelector<HTMLButtonElement>('[data-testid="memefans-claim-again"]'),
  };
}

describe("a claim's status", () => {
  it("offers Claim again for a retryable failure: once the token account the failure asks for is open, when there was none", async () => {
    const { host, presses, again } = await renderStatus(() =>
      claimIn({ status: "failed", failureReason: "needs_token_account", retryable: true }),
    );
    expect(host.querySelector('[data-testid="memefans-failure-reason"]')?.textContent).toContain(
      "You have no token account for this token",
    );
    expect(host.textContent).toContain("Once it is open, claim again.");
    expect(host.textContent).not.toContain("cannot be tried again");
    await act(async () => again()?.click());
    expect(presses).toHaveLength(1);
  });

  it("says the fan can claim again, to another wallet too, when the chain's words name the failure", async () => {
    const { host, again } = await renderStatus(() =>
      claimIn({ status: "failed", failureReason: "Error processing Instruction 0: account is frozen", retryable: true }),
    );
    expect(host.querySelector('[data-testid="memefans-failure-reason"]')?.textContent).toBe(
      "The payout failed: Error processing Instruction 0: account is frozen.",
    );
    expect(host.textContent).toContain("You can claim again, to this wallet or another one.");
    expect(again()?.textContent).toBe("Claim again");
  });

  it("offers no Claim again while the giveaway takes no claims, and says why", async () => {
    const { host, again } = await renderStatus(
      () => claimIn({ status: "failed", failureReason: "token_account_frozen", retryable: true }),
      false,
      "Ended",
    );
    expect(host.querySelector('[data-testid="memefans-failure-reason"]')?.textContent).toContain("is frozen");
    expect(host.textContent).toContain("Claiming again is not possible right now (Ended).");
    expect(again()).toBeNull();
  });

  it("holds Claim again while a step of the card runs", async () => {
    const { again } = await renderStatus(
      () => claimIn({ status: "failed", failureReason: "needs_token_account", retryable: true }),
      true,
    );
    expect(again()?.disabled).toBe(true);
    expect(again()?.textContent).toBe("Claiming…");
  });

  it("offers no Claim again for a failure that is final or out of tries, and says so; nor for a claim on its way or paid", async () => {
    for (const failed of [
      claimIn({ status: "failed", failureReason: "slot_taken", retryable: false }),
      claimIn({ status: "failed", failureReason: "needs_token_account", retryable: false }),
    ]) {
      const { host, again } = await renderStatus(() => failed);
      expect(host.querySelector('[data-testid="memefans-failure-reason"]')).not.toBeNull();
      expect(host.textContent).toContain("This claim cannot be tried again.");
      expect(again()).toBeNull();
      unmount?.();
    }
    for (const state of [claimIn({ status: "queued" }), claimIn({ status: "confirmed", signature: "5".repeat(88) })]) {
      const { host, again } = await renderStatus(() => state);
      expect(again()).toBeNull();
      expect(host.textContent).not.toContain("cannot be tried again");
      unmount?.();
    }
  });

  it("follows a failed claim claimed again, under the same id, back through the queue to paid", async () => {
    let current = claimIn({ status: "failed", failureReason: "needs_token_account", retryable: true });
    const { store, status } = await renderStatus(() => current);
    expect(status().getAttribute("data-status")).toBe("failed");
    // The claim step reads the claim again once the backend took the new attempt.
    current = claimIn({ status: "queued" });
    await act(async () => {
      await store.dispatch(backendApi.endpoints.claimsGet.initiate({ id: CLAIM_ID }, { subscribe: false, forceRefetch: true }));
    });
    expect(status().getAttribute("data-status")).toBe("queued");
    // From here the status polls again, as for any claim in the queue.
    current = claimIn({ status: "confirmed", signature: "5".repeat(88) });
    // The poll's answer lands while the test waits inside act, as React asks of updates a test causes.
    await act(() => eventually(() => expect(status().getAttribute("data-status")).toBe("confirmed"), 5000));
  });
});
