/**
 * A token's warnings (a fake ticker, a freeze authority, a mint that could not be read), one short
 * red line each, wherever the token can be picked or is listed.
 */
export function TokenRiskNotes({ risks }: { risks: readonly string[] }) {
  return risks.map((risk) => (
    <span key={risk} role="note" className="block text-xs text-[#f4212e]" data-testid="token-risk">
      ⚠ {risk}
    </span>
  ));
}
