-- The overdue filter asks for open cases past their deadline, newest
-- first. With only (tenant_id, deadline_at) the database fetched every
-- case past its deadline, closed ones included, and sorted them; at a
-- million cases that took seconds. This index holds only open cases (a
-- few thousand per authority at any time, however many were ever filed)
-- in inbox order, so the newest overdue ones come first without a sort.
-- It carries the deadline, so the cases received too recently to be
-- overdue are skipped inside the index, without reading their rows.
DROP INDEX cases_deadline;
CREATE INDEX cases_open ON cases (tenant_id, received_at, id, deadline_at) WHERE closed_at IS NULL;
