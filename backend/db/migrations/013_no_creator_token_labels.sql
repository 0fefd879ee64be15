-- Token names, symbols and logos typed by creators could pass a worthless mint off as another token
-- (and a logo URL on the creator's host leaked fans' addresses): a token is known by its mint alone.
ALTER TABLE distributions DROP COLUMN token_symbol, DROP COLUMN token_name, DROP COLUMN token_logo_url;
