-- Whether the X account's posts are protected, as X last said (users/me at sign-in or a check): search
-- never returns a protected account's posts, so its reply, repost or quote checks read its own timeline.
ALTER TABLE x_accounts ADD COLUMN posts_protected boolean;
