package fitconnect

import (
	"testing"
)

func TestAddressingCovers(t *testing.T) {
	t.Parallel()
	a := addressing{Services: []struct {
		GebietIDs   []string `json:"gebietIDs"`
		LeistungIDs []string `json:"leistungIDs"`
	}{
		{GebietIDs: []string{ARSURNPrefix + "05562"}, LeistungIDs: []string{LeikaURNPrefix + "99110009104000"}},
		{GebietIDs: []string{ARSURNPrefix + "055620012012"}, LeistungIDs: []string{LeikaURNPrefix + "99110009070000"}},
	}}
	tests := []struct {
		leika, ars string
		want       bool
	}{
		{"99110009104000", "055620012012", true}, // the Kreis covers Dorsten
		{"99110009104000", "05562", true},
		{"99110009104000", "055700000000", false}, // another Kreis
		{"99110009070000", "055620012012", true},
		{"99110009070000", "055620016016", false}, // service signed for Dorsten only
		{"99110009070000", "05562", false},        // a town does not cover its Kreis
		{"99000000000000", "055620012012", false},
	}
	for _, tt := range tests {
		if got := a.covers(tt.leika, tt.ars); got != tt.want {
			t.Errorf("covers(%s, %s) = %v", tt.leika, tt.ars, got)
		}
	}
}

func TestReferenceRoundTrip(t *testing.T) {
	t.Parallel()
	r := Reference{SubmissionID: "1a2b3c4d-0000-4000-8000-000000000001", CaseID: "1a2b3c4d-0000-4000-8000-000000000002",
		DestinationID: "1a2b3c4d-0000-4000-8000-000000000003"}
	got, err := ParseReference(r.String())
	if err != nil || got != r {
		t.Fatalf("ParseReference(%q) = %+v, %v", r, got, err)
	}
	for _, bad := range []string{"", "DOR-2026-000001", "submission:x case:y", "case:1a2b3c4d-0000-4000-8000-000000000002"} {
		if _, err := ParseReference(bad); err == nil {
			t.Errorf("ParseReference(%q) succeeded", bad)
		}
	}
}

func TestEuros(t *testing.T) {
	t.Parallel()
	for cents, want := range map[int64]string{2500: "25.00", 5: "0.05", 123456: "1234.56", -150: "-1.50"} {
		if got := Euros(cents); string(got) != want {
			t.Errorf("Euros(%d) = %s, want %s", cents, got, want)
		}
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	ref := Reference{SubmissionID: "1a2b3c4d-0000-4000-8000-000000000001", CaseID: "1a2b3c4d-0000-4000-8000-000000000002",
		DestinationID: "1a2b3c4d-0000-4000-8000-000000000003"}
	zd := "https://submission-api-testing.fit-connect.fitko.dev"
	ev := func(typ, iss string, problems ...Problem) Event {
		return Event{Type: typ, Issuer: iss, SubmissionID: ref.SubmissionID, CaseID: ref.CaseID, Problems: problems}
	}
	late := Problem{Title: "Frist abgelaufen"}
	tests := []struct {
		name   string
		events []Event
		want   Status
	}{
		{"nothing", nil, StatusUnknown},
		{"submitted", []Event{ev(EventSubmit, zd)}, StatusSubmitted},
		{"accepted", []Event{ev(EventSubmit, zd), ev(EventAccept, ref.DestinationID)}, StatusAccepted},
		{"accepted, then content deleted", []Event{ev(EventSubmit, zd), ev(EventAccept, ref.DestinationID), ev(EventDelete, zd)}, StatusAccepted},
		{"rejected by the Zustelldienst after 14 days", []Event{ev(EventSubmit, zd), ev(EventReject, zd, late)}, StatusRejected},
		{"accept by the Zustelldienst does not count", []Event{ev(EventSubmit, zd), ev(EventAccept, zd)}, StatusSubmitted},
		{"other submission", []Event{{Type: EventAccept, Issuer: ref.DestinationID, SubmissionID: "1a2b3c4d-0000-4000-8000-000000000009"}}, StatusUnknown},
	}
	for _, tt := range tests {
		if got, _ := StatusOf(tt.events, ref); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
