-- An application's timeline, read with every application (GET and the reply
-- of every step), as one index range: the events of an application were
-- written at different times and so lie on as many pages of the table; in
-- an index that holds every column the query reads they lie together, in
-- order (bench/results/notes.md: at a million children reading one
-- application spent a fifth of its time in pread for these). Writing an
-- event still touches one page of the table and one of this index, as the
-- index it replaces did.
DROP INDEX application_events_app;
CREATE INDEX application_events_app
	ON application_events(application_id, id, at, actor_id, action, from_status, to_status, note);
