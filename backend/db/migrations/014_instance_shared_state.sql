-- Rate-limit windows shared by every backend instance on this database. An instance takes tokens in
-- leases (a slice of the limit) and spends them in memory, so a request costs no round trip here
-- until its instance's lease for the key runs out. `granted` never exceeds `capacity`: the limit
-- holds across instances. `last_grant` is what the latest lease request received.
CREATE TABLE rate_limit_windows (
  key text NOT NULL,
  window_start bigint NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  granted integer NOT NULL CHECK (granted >= 0 AND granted <= capacity),
  last_grant integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_windows_by_start ON rate_limit_windows (window_start);

-- Requirement results (followed, liked, replied…) every instance reuses until they expire, so a fan
-- whose requests land on two instances gets one answer and costs one X call.
CREATE TABLE requirement_results (
  key text PRIMARY KEY,
  fan_x_user_id text NOT NULL,
  met boolean NOT NULL,
  detail text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX requirement_results_by_fan ON requirement_results (fan_x_user_id, expires_at);
CREATE INDEX requirement_results_by_expiry ON requirement_results (expires_at);
