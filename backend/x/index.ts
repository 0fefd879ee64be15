/** The X side of the backend: API client, OAuth 2.0 PKCE, token encryption and requirement checks. */
export { RequirementCache, type RequirementCacheOptions, type ResultLifetime } from "./cache.ts";
export {
  createXApiClient,
  X_API_BASE_URL,
  type XApiCall,
  type XApiCallListener,
  type XApiClient,
  type XApiClientOptions,
  type XEndpoint,
  type XLookup,
  type XPage,
  type XPagingOptions,
} from "./client.ts";
export type { Clock } from "./clock.ts";
export {
  XApiError,
  XForbiddenError,
  XOAuthError,
  XRateLimitedError,
  XUnauthorizedError,
  XUnexpectedResponseError,
  XUsageCappedError,
} from "./errors.ts";
export {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  refreshAccessToken,
  X_AUTHORIZE_URL,
  X_OAUTH_SCOPES,
  type XOAuthConfig,
  type XTokenSet,
} from "./oauth.ts";
export { codeChallengeS256, generateCodeVerifier, generateOAuthState, oauthStatesMatch } from "./pkce.ts";
export type { CheckPaging, FanIdentity, PostTarget, ProfileOnRecord, TokenBalanceOf } from "./requirements/context.ts";
export {
  type RequirementCheck,
  type RequirementVerifierDependencies,
  type VerificationReport,
  type VerifyRequirementsInput,
  verifyRequirements,
} from "./requirements/verify.ts";
export type { XProblem, XTweet, XUser } from "./schemas.ts";
export { createTokenCipher, parseTokenKey, type TokenCipher, TokenDecryptionError, type TokenKey } from "./token-crypto.ts";
