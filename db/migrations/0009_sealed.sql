-- Personal data sealed at rest (src/core/crypt.h). The sealed columns keep
-- their names; what they hold becomes "hm1:<key>:<ciphertext>". ID numbers
-- are found and kept unique through a keyed hash, since the ciphertext of
-- the same number differs every time. Rows written before this migration
-- are sealed by the server at its next start.

-- Keyed BLAKE2b of the normalised ID number; NULL only until sealed.
ALTER TABLE children ADD COLUMN id_number_hash TEXT;
CREATE UNIQUE INDEX children_id_number_hash ON children(id_number_hash);

-- Callers' phones: sealed, with a keyed hash to find repeat callers.
ALTER TABLE hotline_appeals ADD COLUMN caller_phone_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX hotline_appeals_phone_hash ON hotline_appeals(caller_phone_hash, category);
ALTER TABLE hotline_missed_calls ADD COLUMN caller_phone_hash TEXT NOT NULL DEFAULT '';
