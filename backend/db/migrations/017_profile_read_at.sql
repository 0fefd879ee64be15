-- When X last told us the account's created_at and followers_count (the sign-in's users/me, or a
-- check's): account-age checks reuse the date for good, follower checks the count for its UTC day.
ALTER TABLE x_accounts ADD COLUMN profile_read_at timestamptz;
