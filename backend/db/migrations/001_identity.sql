-- X accounts that signed in. Tokens are encrypted by the service before they reach this table.
CREATE TABLE x_accounts (
  x_user_id text PRIMARY KEY,
  username text NOT NULL,
  name text NOT NULL,
  profile_image_url text,
  x_created_at timestamptz,
  followers_count integer,
  access_token_encrypted text NOT NULL,
  refresh_token_encrypted text,
  access_token_expires_at timestamptz NOT NULL,
  scopes text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One pending X login: the PKCE verifier never leaves the server; the row is deleted when used.
CREATE TABLE oauth_states (
  state text PRIMARY KEY,
  code_verifier text NOT NULL,
  redirect_uri text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);

-- Sessions are looked up by the sha256 of the bearer token, so a leaked table holds no usable token.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  x_user_id text NOT NULL REFERENCES x_accounts (x_user_id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_x_user_id ON sessions (x_user_id);

-- A wallet-binding challenge: the nonce is single-use (used_at) and expires.
CREATE TABLE wallet_challenges (
  nonce text PRIMARY KEY,
  x_user_id text NOT NULL REFERENCES x_accounts (x_user_id) ON DELETE CASCADE,
  address text NOT NULL,
  message text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A wallet belongs to exactly one X account (the primary key); an X account may bind several wallets.
CREATE TABLE wallets (
  address text PRIMARY KEY,
  x_user_id text NOT NULL REFERENCES x_accounts (x_user_id) ON DELETE CASCADE,
  bound_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallets_x_user_id ON wallets (x_user_id);
