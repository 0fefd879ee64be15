/**
 * What a card says when a call failed: what happened, in the fan's words, and whether pressing Retry
 * can help. The raw message ("the backend at http://… is unreachable (Failed to fetch)") is for the
 * console, never the card.
 */
export interface Problem {
  text: string;
  retry: boolean;
}

export function problemWords(error: { code?: string; message?: string } | undefined): Problem {
  switch (error?.code) {
    case "network_error":
    case "internal":
      return { text: "Can't reach MEMEFANS.", retry: true };
    case "not_signed_in":
      return { text: "Your X sign-in has expired: sign in with X again.", retry: false };
    case "rate_limited":
      return { text: "Too many tries in a short time. Wait a minute.", retry: true };
    case "locked":
    case "no_wallet":
    case "rejected":
    case "unsupported":
      // These messages are written for the fan already (see claim-flow-slice.ts).
      return { text: sentence(error.message ?? ""), retry: false };
    default:
      return error?.message ? { text: sentence(error.message), retry: true } : { text: "Something went wrong.", retry: true };
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "Something went wrong.";
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
