import { AddressLookupTableAccount, AddressLookupTableProgram, Keypair, type PublicKey } from "@solana/web3.js";
import type { Testbed } from "./svm.ts";

/** Addresses per ExtendLookupTable instruction that keep the transaction under 1232 bytes. */
const EXTEND_CHUNK = 20;

/**
 * Creates and fills an address lookup table through the real Address Lookup Table program, then moves
 * one slot on: addresses added in a slot are usable only from the next one.
 */
export function createLookupTable(testbed: Testbed, addresses: PublicKey[]): AddressLookupTableAccount {
  const { payer } = testbed;
  // A table's address derives from (authority, slot): a fresh authority keeps tables of the same slot apart.
  const authority = Keypair.generate();
  // The table's address derives from a slot the SlotHashes sysvar still lists.
  const [newest] = testbed.svm.getSlotHashes();
  if (!newest) throw new Error("the SlotHashes sysvar is empty");
  const [create, table] = AddressLookupTableProgram.createLookupTable({
    authority: authority.publicKey,
    payer: payer.publicKey,
    recentSlot: newest.slot,
  });
  testbed.sendOk([create], [payer, authority]);
  for (let start = 0; start < addresses.length; start += EXTEND_CHUNK) {
    testbed.sendOk(
      [
        AddressLookupTableProgram.extendLookupTable({
          lookupTable: table,
          authority: authority.publicKey,
          payer: payer.publicKey,
          addresses: addresses.slice(start, start + EXTEND_CHUNK),
        }),
      ],
      [payer, authority],
    );
  }
  testbed.nextSlot();
  const data = testbed.accountData(table);
  if (!data) throw new Error("the lookup table was not created");
  return new AddressLookupTableAccount({ key: table, state: AddressLookupTableAccount.deserialize(data) });
}
