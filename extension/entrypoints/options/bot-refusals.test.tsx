import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BotRefusalsSummary } from "./bot-refusals.tsx";

const text = (markup: string) => markup.replace(/<[^>]+>/g, "");

describe("the likely-bot refusals on the creator's dashboard", () => {
  it("counts the accounts and names each reason in the creator's words", () => {
    const markup = renderToStaticMarkup(
      <BotRefusalsSummary refusals={{ accounts: 3, byReason: { account_age: 2, min_followers: 2, velocity: 1 } }} />,
    );
    expect(text(markup)).toBe(
      "Refused as likely bots: 3 accounts (account too new: 2 · too few followers: 2 · over the claims-per-minute limit: 1)",
    );
  });

  it("says none when there were none, or the backend did not say", () => {
    expect(text(renderToStaticMarkup(<BotRefusalsSummary refusals={{ accounts: 0, byReason: {} }} />))).toBe(
      "Refused as likely bots: 0 accounts",
    );
    expect(text(renderToStaticMarkup(<BotRefusalsSummary refusals={undefined} />))).toBe("Refused as likely bots: 0 accounts");
  });
});
