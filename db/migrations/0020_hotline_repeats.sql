-- Repeats (重复件, issue 7 item 5): suggestions by phone, place or text and
-- merging that keeps every caller's own reply, callback and rating. No new
-- columns: a merged appeal keeps its row, main_id names the main appeal
-- and status moves merged → replied → closed on its own. Two indexes:

-- An appeal without a district is compared with its category's appeals
-- within the repeat window (HOTLINE_REPEAT_WINDOW_DAYS).
CREATE INDEX hotline_appeals_category ON hotline_appeals(category, created_at);
-- The appeals merged into a main one: passed its approved reply, listed on its page.
CREATE INDEX hotline_appeals_main ON hotline_appeals(main_id);
