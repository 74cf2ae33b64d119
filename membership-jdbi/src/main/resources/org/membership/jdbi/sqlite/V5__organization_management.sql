-- membership schema, version 5, SQLite: managing organizations directly.
-- Deleting an organization deletes every invitation it has, whatever its status, with one statement
-- (DELETE ... WHERE organization_id = ?), and deleting its row checks the invitations that refer to
-- it; the indexes of version 1 and 2 hold pending invitations only, so both would scan the table.
-- (Listing an organization's members by role needs no new index here: organization_members is a
-- WITHOUT ROWID table, so organization_members_role already ends with its primary key's user_id.)

CREATE INDEX ${p}invitations_organization ON ${p}invitations (organization_id, id);
