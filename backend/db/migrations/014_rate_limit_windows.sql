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
