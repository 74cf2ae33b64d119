-- membership schema, version 2, PostgreSQL: pending invitations by expiry.
-- Sending an invitation marks its organization's lapsed pending invitations expired
-- (UPDATE ... WHERE organization_id = ? AND status = 'PENDING' AND expires_at <= ?); this index
-- makes that a range of the lapsed rows only, not a walk of every pending row of the organization.
-- Rows already past their expiry are left as they are: the organization's next invitation
-- expires them, by the host's clock rather than the database's.

CREATE INDEX ${p}invitations_pending_expiry ON ${p}invitations (organization_id, expires_at) WHERE status = 'PENDING';
