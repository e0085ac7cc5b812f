package backend

// Status is what a back-end system reports about an application.
type Status string

// The statuses a back-end system may report.
const (
	StatusReceived   Status = "received"
	StatusAccepted   Status = "accepted"
	StatusInProgress Status = "in_progress"
	StatusRejected   Status = "rejected"
	StatusDecided    Status = "decided"
)

// Statuses lists the reportable statuses in the order of a case's life.
func Statuses() []Status {
	return []Status{StatusReceived, StatusAccepted, StatusInProgress, StatusRejected, StatusDecided}
}

// citizenStatus maps a reported status onto the status the citizen's page
// knows (the back office's state IDs, or the words FIT-Connect decisions
// use), with a German note for when the system sends no message.
var citizenStatus = map[Status]struct{ id, note string }{
	StatusReceived:   {"eingegangen", "Ihr Antrag ist im Fachverfahren der Behörde eingegangen."},
	StatusAccepted:   {"angenommen", "Die Behörde hat Ihren Antrag angenommen."},
	StatusInProgress: {"in_pruefung", "Ihr Antrag wird bearbeitet."},
	StatusRejected:   {"zurueckgewiesen", "Die Behörde hat Ihren Antrag zurückgewiesen."},
	StatusDecided:    {"entschieden", "Über Ihren Antrag ist entschieden."},
}

// Valid reports whether st is one of Statuses.
func (st Status) Valid() bool { _, ok := citizenStatus[st]; return ok }

// CitizenStatus is the status ID the citizen's timeline records for st.
func (st Status) CitizenStatus() string { return citizenStatus[st].id }
