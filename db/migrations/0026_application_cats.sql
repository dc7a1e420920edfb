-- The list filtered by a category, resolved inside the index it pages
-- through. Until now `category=` was a probe of child_categories for every
-- application the page walked past: keyed by child, so each probe was a
-- different page, and at a million children a page of a rare category read
-- 1,200 pages of the file (ill_low_income, page 5: 2.9 ms of CPU, against
-- 0.3 ms with no category; bench/results/notes.md "The category inside the
-- list's index", session 8).
--
-- Each application now carries its child's categories as bits (cats), and
-- the list's indexes hold them in place of the child's id (which only the
-- probe needed): the test is an AND on the index entry being read.
-- applications_id_cats is the same for the list with a category alone,
-- which walked the table itself.

-- One bit per category of data/fund_catalog.tsv, in its order. A category
-- added to the catalog needs its bit here by a new migration:
-- tests/unit/test_store.c checks that every category of the catalog has
-- one. A child with applications put in a category without a bit is
-- refused (the triggers below would write NULL into a NOT NULL column);
-- without applications, `huimin verify` names it once one comes in.
CREATE TABLE category_bits (
	category TEXT PRIMARY KEY,
	bit INTEGER NOT NULL UNIQUE CHECK (bit > 0 AND (bit & (bit - 1)) = 0)
) STRICT, WITHOUT ROWID;
INSERT INTO category_bits (category, bit) VALUES
	('scattered_orphan', 1), ('de_facto_unsupported', 2), ('aids_affected', 4), ('key_distress', 8),
	('left_behind', 16), ('disabled_low_income', 32), ('ill_low_income', 64);

-- the indexes that change go first, so filling the column writes the table
-- alone
DROP INDEX applications_status_id_child;
DROP INDEX applications_org_status_id_child;
DROP INDEX applications_org_id_child;

ALTER TABLE applications ADD COLUMN cats INTEGER NOT NULL DEFAULT 0;
UPDATE applications SET cats = c.cats
	FROM (SELECT k.child_id, sum(b.bit) AS cats FROM child_categories k
		JOIN category_bits b ON b.category = k.category GROUP BY k.child_id) c
	WHERE c.child_id = applications.child_id;

CREATE INDEX applications_status_id_cats ON applications(status, id, cats);
CREATE INDEX applications_org_status_id_cats ON applications(org_id, status, id, cats);
CREATE INDEX applications_org_id_cats ON applications(org_id, id, cats);
CREATE INDEX applications_id_cats ON applications(id, cats);

-- An application comes in with its child's categories (fund_db_app_insert
-- writes them in its INSERT; any other writer is put right here).
CREATE TRIGGER applications_cats_insert AFTER INSERT ON applications
	WHEN new.cats IS NOT (SELECT coalesce(sum(b.bit), 0) FROM child_categories k
		JOIN category_bits b ON b.category = k.category WHERE k.child_id = new.child_id) BEGIN
	UPDATE applications SET cats = (SELECT coalesce(sum(b.bit), 0) FROM child_categories k
		JOIN category_bits b ON b.category = k.category WHERE k.child_id = new.child_id) WHERE id = new.id;
END;
CREATE TRIGGER applications_cats_child AFTER UPDATE OF child_id ON applications
	WHEN new.cats IS NOT (SELECT coalesce(sum(b.bit), 0) FROM child_categories k
		JOIN category_bits b ON b.category = k.category WHERE k.child_id = new.child_id) BEGIN
	UPDATE applications SET cats = (SELECT coalesce(sum(b.bit), 0) FROM child_categories k
		JOIN category_bits b ON b.category = k.category WHERE k.child_id = new.child_id) WHERE id = new.id;
END;

-- A child's categories change: so do the bits of each of its applications.
-- (child_id, category) is the key of child_categories, so a bit is set by
-- the row's insert and cleared by its delete exactly.
CREATE TRIGGER applications_cats_category_insert AFTER INSERT ON child_categories BEGIN
	UPDATE applications SET cats = cats | (SELECT bit FROM category_bits WHERE category = new.category)
		WHERE child_id = new.child_id;
END;
CREATE TRIGGER applications_cats_category_delete AFTER DELETE ON child_categories BEGIN
	UPDATE applications SET cats = cats & ~(SELECT bit FROM category_bits WHERE category = old.category)
		WHERE child_id = old.child_id;
END;
CREATE TRIGGER applications_cats_category_update AFTER UPDATE ON child_categories BEGIN
	UPDATE applications SET cats = cats & ~(SELECT bit FROM category_bits WHERE category = old.category)
		WHERE child_id = old.child_id;
	UPDATE applications SET cats = cats | (SELECT bit FROM category_bits WHERE category = new.category)
		WHERE child_id = new.child_id;
END;
