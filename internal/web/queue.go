package web

import "github.com/serviceportal/serviceportal/internal/jobs"

// ConnectQueue hands the job queue to the use cases that queue work, and
// makes every new application queue its deliveries and back-end webhooks
// in its submit transaction (transactional outbox). Both read their
// configuration before the transaction (see submission.Preparer).
func (u *UseCases) ConnectQueue(q *jobs.Queue) {
	u.Delivery.SetQueue(q)
	u.Inbound.SetQueue(q)
	u.Backend.SetQueue(q)
	u.Submissions.AddPreparer(u.Delivery.Prepare)
	u.Submissions.AddPreparer(u.Backend.PrepareAnnounce)
}
