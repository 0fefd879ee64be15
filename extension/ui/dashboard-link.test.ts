import { describe, expect, it } from "vitest";
import { dashboardAddress, dashboardPath } from "./dashboard-link.ts";

const ADDRESS = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";

describe("the dashboard's address", () => {
  it("names one giveaway as options.html#/d/<address> and reads it back", () => {
    expect(dashboardPath(ADDRESS)).toBe(`/options.html#/d/${ADDRESS}`);
    expect(dashboardPath()).toBe("/options.html");
    expect(dashboardAddress(new URL(`chrome-extension://id${dashboardPath(ADDRESS)}`).hash)).toBe(ADDRESS);
  });

  it("shows the list for anything that is not a giveaway address", () => {
    for (const hash of ["", "#/", "#/d/", "#/d/not-an-address", `#/d/${ADDRESS}/more`, `#/x/${ADDRESS}`, `#/d/${ADDRESS}0`]) {
      expect(dashboardAddress(hash), hash).toBeUndefined();
    }
  });
});
