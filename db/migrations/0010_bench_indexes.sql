-- Indexes found missing by the benchmarks (issue 6, bench/results/).
--
-- The dashboard's money-by-month figures (fund_db_stats) and any report over
-- a period select journal entries by time, which had no index: EXPLAIN QUERY
-- PLAN showed "SCAN p" (every posting of the books) once per month, twelve
-- times per dashboard. With this index the plan becomes
-- "SEARCH j USING INDEX journal_entries_at (at>? AND at<?)" followed by
-- "SEARCH p USING INDEX postings_entry (entry_id=?)": one month of 100k
-- children's books (1M postings) went from 0.34 s to 0.09 s.
CREATE INDEX journal_entries_at ON journal_entries(at);
