package fitconnect

import (
	"fmt"
	"strings"
)

// Status is where a sent submission stands according to its event log.
type Status string

// Statuses, from the events of one submission.
const (
	// StatusUnknown: no event about the submission yet.
	StatusUnknown   Status = ""
	StatusCreated   Status = "created"
	StatusSubmitted Status = "submitted"
	StatusNotified  Status = "notified"
	StatusForwarded Status = "forwarded"
	StatusAccepted  Status = "accepted"
	StatusRejected  Status = "rejected"
	StatusDeleted   Status = "deleted"
)

// Label is the status in German, as staff and citizens see it.
func (s Status) Label() string {
	switch s {
	case StatusCreated:
		return "wird übermittelt"
	case StatusSubmitted:
		return "zugestellt"
	case StatusNotified:
		return "Behörde benachrichtigt"
	case StatusForwarded:
		return "weitergeleitet"
	case StatusAccepted:
		return "angenommen"
	case StatusRejected:
		return "zurückgewiesen"
	case StatusDeleted:
		return "gelöscht"
	}
	return "noch keine Rückmeldung"
}

// Final reports whether no further event will change the status.
func (s Status) Final() bool {
	return s == StatusAccepted || s == StatusRejected || s == StatusDeleted
}

var statusOf = map[string]Status{EventCreate: StatusCreated, EventSubmit: StatusSubmitted, EventNotify: StatusNotified,
	EventForward: StatusForwarded, EventAccept: StatusAccepted, EventReject: StatusRejected, EventDelete: StatusDeleted}

// StatusOf reads the status of the submission ref from a case's verified
// events, with the problems of a rejection. A decision counts only from
// who may make it: accept-submission from the destination the submission
// was sent to; reject-submission from that destination or the
// Zustelldienst (which rejects on its own after 14 days). The last
// decision wins; without one, the latest other event.
func StatusOf(events []Event, ref Reference) (Status, []Problem) {
	var status Status
	var problems []Problem
	decided := false
	for _, e := range events {
		if !strings.EqualFold(e.SubmissionID, ref.SubmissionID) {
			continue
		}
		s, ok := statusOf[e.Type]
		if !ok {
			continue
		}
		fromDestination := ref.DestinationID == "" || strings.EqualFold(e.Issuer, ref.DestinationID)
		fromService := !isUUID(e.Issuer)
		switch {
		case s == StatusAccepted && fromDestination, s == StatusRejected && (fromDestination || fromService):
			status, problems, decided = s, e.Problems, true
		case s == StatusAccepted || s == StatusRejected:
			// a decision by someone else is not the destination's
		case !decided:
			// delete-submission after a decision (the Zustelldienst
			// clearing the content) does not undo the decision
			status, problems = s, nil
		}
	}
	return status, problems
}

// Reference names a sent submission: its id, its case and the
// destination it went to. It is stored with the delivery.
type Reference struct {
	SubmissionID  string
	CaseID        string
	DestinationID string
}

// String is "submission:<id> case:<id> destination:<id>", the naming of
// the event log's sub and txn claims.
func (r Reference) String() string {
	return "submission:" + r.SubmissionID + " case:" + r.CaseID + " destination:" + r.DestinationID
}

// ParseReference reads a Reference written by String.
func ParseReference(s string) (Reference, error) {
	var r Reference
	for _, part := range strings.Fields(s) {
		k, v, _ := strings.Cut(part, ":")
		switch k {
		case "submission":
			r.SubmissionID = v
		case "case":
			r.CaseID = v
		case "destination":
			r.DestinationID = v
		}
	}
	if !isUUID(r.SubmissionID) || !isUUID(r.CaseID) || (r.DestinationID != "" && !isUUID(r.DestinationID)) {
		return Reference{}, fmt.Errorf("fitconnect: %q is no FIT-Connect reference", s)
	}
	return r, nil
}
