-- Care beyond cash (DOMAIN.md §1 "services"): the providers children are
-- referred to, the referrals, the sessions held, home visits, and the
-- documents (attachments) filed for a child or an application. Every row
-- carries the district (org_id) that keeps it, so that scope is one
-- condition in every query.

-- An organisation or volunteer who gives 心理关爱, 法律援助 or 家庭教育.
CREATE TABLE care_providers (
	id INTEGER PRIMARY KEY,
	org_id INTEGER NOT NULL REFERENCES orgs(id),  -- district federation that works with the provider
	name TEXT NOT NULL,                            -- organisation or volunteer name
	kind TEXT NOT NULL CHECK (kind IN ('org', 'volunteer')),
	contact_name TEXT NOT NULL,                    -- person to call, '' if none
	contact_phone TEXT NOT NULL,                   -- '' if none
	address TEXT NOT NULL,
	note TEXT NOT NULL,                            -- qualifications, hours …
	active INTEGER NOT NULL DEFAULT 1,             -- 0: takes no new referrals
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX care_providers_org ON care_providers(org_id);

-- The services (data/fund_catalog.tsv, kind "service") a provider offers.
CREATE TABLE care_provider_services (
	provider_id INTEGER NOT NULL REFERENCES care_providers(id),
	service TEXT NOT NULL,                         -- psych, legal, family_edu
	PRIMARY KEY (provider_id, service)
) STRICT;

-- A child referred to a provider for one service.
CREATE TABLE care_referrals (
	id INTEGER PRIMARY KEY,
	child_id INTEGER NOT NULL REFERENCES children(id),
	org_id INTEGER NOT NULL REFERENCES orgs(id),   -- the child's district
	provider_id INTEGER NOT NULL REFERENCES care_providers(id),
	application_id INTEGER REFERENCES applications(id), -- the application that asked for it, if any
	service TEXT NOT NULL,
	reason TEXT NOT NULL,                          -- why the child needs it
	status TEXT NOT NULL CHECK (status IN ('referred', 'in_service', 'closed')), -- 已转介/服务中/已结束
	status_note TEXT NOT NULL DEFAULT '',          -- the last status change's note (closing summary)
	started_at INTEGER,                            -- first in service
	closed_at INTEGER,
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,                   -- the moment of referral
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX care_referrals_child ON care_referrals(child_id);
CREATE INDEX care_referrals_org_status ON care_referrals(org_id, status);

-- One session of a referral. notes are sensitive: lists never carry them,
-- and each full view is audited.
CREATE TABLE care_sessions (
	id INTEGER PRIMARY KEY,
	referral_id INTEGER NOT NULL REFERENCES care_referrals(id),
	child_id INTEGER NOT NULL REFERENCES children(id),
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	provider_id INTEGER NOT NULL REFERENCES care_providers(id),
	held_at INTEGER NOT NULL,                      -- when it took place
	notes TEXT NOT NULL,                           -- the provider's notes (sensitive)
	outcome TEXT NOT NULL,                         -- short result, shown in lists
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX care_sessions_referral ON care_sessions(referral_id);
CREATE INDEX care_sessions_child ON care_sessions(child_id);

-- A home visit (家访) to a child.
CREATE TABLE care_visits (
	id INTEGER PRIMARY KEY,
	child_id INTEGER NOT NULL REFERENCES children(id),
	org_id INTEGER NOT NULL REFERENCES orgs(id),
	visited_at INTEGER NOT NULL,
	visitors TEXT NOT NULL,                        -- who went
	people_met TEXT NOT NULL,                      -- whom they met (child, grandparents …)
	findings TEXT NOT NULL,
	follow_up TEXT NOT NULL,                       -- what is to be done, '' if nothing
	follow_up_due TEXT NOT NULL,                   -- YYYY-MM-DD, '' if none
	created_by INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX care_visits_child ON care_visits(child_id);
CREATE INDEX care_visits_org ON care_visits(org_id, visited_at);

-- A stored file, named by the BLAKE2b-256 of its bytes: the same bytes are
-- kept once however often they are uploaded. The bytes live on disk under
-- <database directory>/attachments/<first 2 hex>/<hash>.
CREATE TABLE attachment_blobs (
	hash TEXT PRIMARY KEY,                         -- hex BLAKE2b-256
	size INTEGER NOT NULL CHECK (size > 0),
	content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')), -- from the bytes
	created_at INTEGER NOT NULL
) STRICT;

-- A document filed for a child or for an application (exactly one).
CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	hash TEXT NOT NULL REFERENCES attachment_blobs(hash),
	org_id INTEGER NOT NULL REFERENCES orgs(id),   -- district of the child or application
	child_id INTEGER REFERENCES children(id),
	application_id INTEGER REFERENCES applications(id),
	doc_type TEXT NOT NULL,                        -- hukou, identity, household_cert, medical, school, photo, other
	filename TEXT NOT NULL,                        -- as uploaded, for display and download
	uploaded_by INTEGER REFERENCES users(id),
	uploaded_at INTEGER NOT NULL,
	CHECK ((child_id IS NULL) <> (application_id IS NULL))
) STRICT;
CREATE INDEX attachments_child ON attachments(child_id);
CREATE INDEX attachments_application ON attachments(application_id);
CREATE INDEX attachments_hash ON attachments(hash);
