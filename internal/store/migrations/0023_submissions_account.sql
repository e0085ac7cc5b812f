-- "Meine Anträge" lists an account's submissions across all tenants (the
-- account is the citizen's, not one authority's), so an index that leads
-- with the tenant made every listing read the whole index. Most
-- submissions come without an account: a partial index leaves them out,
-- and anonymous submits no longer write to it.
DROP INDEX submissions_account;
CREATE INDEX submissions_account ON submissions (account_id, submitted_at) WHERE account_id IS NOT NULL;
