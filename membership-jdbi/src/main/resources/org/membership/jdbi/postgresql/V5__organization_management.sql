-- membership schema, version 5, PostgreSQL: managing organizations directly.
-- Deleting an organization deletes every invitation it has, whatever its status, with one statement
-- (DELETE ... WHERE organization_id = ?), and deleting its row checks the invitations that refer to
-- it; the indexes of version 1 and 2 hold pending invitations only, so both would scan the table.
-- Listing an organization's members with one role is a keyset page by user id within that role:
-- (organization_id, role) alone would sort every member with the role for each page.

CREATE INDEX ${p}invitations_organization ON ${p}invitations (organization_id, id);
CREATE INDEX ${p}organization_members_role_user ON ${p}organization_members (organization_id, role, user_id);
