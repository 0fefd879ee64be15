import type { TestDistribution } from "../../../backend/claims/testing/chain-fixtures.ts";
import { fund } from "../../../backend/claims/testing/chain-fixtures.ts";
import { type RegistrationOptions, registeredTestDistribution } from "../../../backend/claims/testing/registered-distribution.ts";
import { backendClient } from "../../../backend/http/testing/test-backend.ts";
import { type DemoBackend, startDemoBackend } from "../../demo/demo-backend.ts";
import { closePerson, openPerson, type Person } from "./person.ts";

export interface CardGiveaway {
  backend: DemoBackend;
  distribution: TestDistribution;
  /** The fan, in the built extension, on the X timeline that shows the giveaway's post. */
  fan: Person;
  close(): Promise<void>;
}

/**
 * The backend on embedded defaults (PGlite, the LiteSVM chain, the X emulator, the batcher with a funded
 * fee payer), a live giveaway with no requirements on the emulator's giveaway post, registered by its
 * author, and a fan `username` with the built extension: what a story about the claim card starts from.
 */
export async function startCardGiveaway(
  username: string,
  maxClaims: number,
  registration: (backend: DemoBackend) => RegistrationOptions = () => ({}),
): Promise<CardGiveaway> {
  const backend = await startDemoBackend({ logLevel: "error" });
  let fan: Person | undefined;
  try {
    const store = backend.emulator?.store;
    if (!store) throw new Error("a claim card story needs the backend's X API emulator");
    await fund(backend.context.connection, backend.feePayer.publicKey, 100);
    const distribution = await registeredTestDistribution(
      { ...backend, ...backendClient(backend.url) },
      { requirements: [], maxClaims, ...registration(backend) },
    );
    fan = await openPerson({ backendUrl: backend.url, store, username });
    const person = fan;
    return {
      backend,
      distribution,
      fan: person,
      close: async () => {
        await closePerson(person);
        await backend.close();
      },
    };
  } catch (error) {
    await closePerson(fan);
    await backend.close();
    throw error;
  }
}
