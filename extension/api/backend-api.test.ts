import { describe, expect, it } from "vitest";
import { eventually } from "../features/testing/overlay-harness.ts";
import { workerDouble } from "../features/testing/worker-double.ts";
import { type BackendReadType, backendReads } from "../messaging/backend-reads.ts";
import type { RequestOf } from "../messaging/contract.ts";
import { createOverlayStore } from "../store/store.ts";
import { backendApi, endpointNameOf } from "./backend-api.ts";

const A = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

/** One payload per read of the message table: a read added there fails to compile here until it has one. */
const payloads: { [T in BackendReadType]: RequestOf<T> } = {
  "distributions/lookup": { postIds: ["11"] },
  "distributions/get": { address: A },
  "distributions/eligibility": { address: A },
  "distributions/creation-terms": {},
  "creator/distributions": {},
  "creator/distribution": { address: A },
  "creator/claimants": { address: A, status: "all" },
  "claims/get": { id: "0b0e9f8c-6a3e-4d1b-9a57-3c2f1e0d4b6a" },
  "auth/wallet-challenge": { address: A },
  "auth/wallet-verify": { message: "Bind this wallet", signature: "5".repeat(88), address: A },
};

describe("the overlay's backend API, derived from the message table", () => {
  it("has an endpoint per backend read that sends its message: a GET as a cached query, a POST as a mutation", async () => {
    const worker = workerDouble({});
    const store = createOverlayStore({ extra: { transport: worker.transport } });
    const endpoints = backendApi.endpoints as unknown as Record<string, { initiate(payload: unknown): never }>;
    for (const type of Object.keys(backendReads) as BackendReadType[]) {
      const name = endpointNameOf(type);
      const endpoint = endpoints[name];
      expect(endpoint, `${type} has no endpoint ${name}`).toBeDefined();
      store.dispatch(endpoint?.initiate(payloads[type]) as never);
      await eventually(() => expect(worker.callsOf(type)).toEqual([payloads[type]]));
      const { queries, mutations } = store.getState().backendApi;
      const made = Object.values(backendReads[type].http.method === "GET" ? queries : mutations);
      expect(made.map((entry) => entry?.endpointName)).toContain(name);
    }
  });

  it("names each endpoint after its message in camel case", () => {
    expect(endpointNameOf("distributions/creation-terms")).toBe("distributionsCreationTerms");
    expect(endpointNameOf("auth/wallet-verify")).toBe("authWalletVerify");
    expect(endpointNameOf("claims/get")).toBe("claimsGet");
  });
});
