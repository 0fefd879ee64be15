import { expect, test } from "./extension-context.ts";

test("the built extension loads and its popup renders", async ({ extension }) => {
  const page = await extension.context.newPage();
  await page.goto(`chrome-extension://${extension.extensionId}/popup.html`);
  await expect(page.getByText("MEMEFANS wallet")).toBeVisible();
  await page.screenshot({ path: "test-results/popup.png" });
});
