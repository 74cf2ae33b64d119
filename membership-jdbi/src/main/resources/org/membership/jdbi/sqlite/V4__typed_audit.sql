-- membership schema, version 4: the audit trail is typed.
-- detail holds what the change did as a JSON object whose "type" names it (RemovedFromWorkspace,
-- RoleChanged, InvitationRevoked, RemovedFromOrganization with its cascade, ...); target and
-- cascade_lines keep that detail rendered as text, as before. Rows written by versions 1 to 3 have no
-- detail: the store reads their text back as the detail it describes (or, for text it does not
-- recognize, as that text itself), so they stay readable without being rewritten.

ALTER TABLE ${p}audit_trail ADD COLUMN detail TEXT;
