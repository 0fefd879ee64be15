import type { TokenIdentity } from "../../shared/api/tokens.ts";
import { tokenFullName } from "../../shared/tokens/token-label.ts";

/**
 * A token's logo, or the first letter of its ticker on X's blue when it has none (or it has not
 * arrived yet). `logo` is a data: URL the service worker fetched from the backend.
 */
export function TokenAvatar({
  token,
  logo,
  size = 36,
}: {
  token: TokenIdentity;
  logo: string | null | undefined;
  size?: number;
}) {
  const style = { width: size, height: size };
  if (logo) return <img src={logo} alt={tokenFullName(token)} style={style} className="shrink-0 rounded-full object-cover" />;
  const letter = (token.symbol ?? token.mint).slice(0, 1).toUpperCase();
  return (
    <span
      role="img"
      aria-label={tokenFullName(token)}
      style={style}
      className="flex shrink-0 items-center justify-center rounded-full bg-[#1d9bf0] font-bold text-white"
    >
      {letter}
    </span>
  );
}
