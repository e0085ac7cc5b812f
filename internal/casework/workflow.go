// Package casework is the back office: per-service workflows enforced on
// the server, cases with assignee and deadline, an append-only history,
// internal notes, document requests and decisions.
package casework

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Requirement is an input a transition needs.
type Requirement string

// The inputs a transition can require.
const (
	NeedNote     Requirement = "note"
	NeedDeadline Requirement = "deadline"
	NeedDocument Requirement = "document" // the Bescheid
)

// Transition is one allowed step of a workflow.
type Transition struct {
	Action   string        `json:"action"`
	Label    string        `json:"label"`
	From     []string      `json:"from"`
	To       string        `json:"to"`
	Roles    []string      `json:"roles"`
	Requires []Requirement `json:"requires,omitempty"`
	// Effects name what happens besides the state change, e.g.
	// "request_documents", "issue_decision", "notify_citizen".
	Effects []string `json:"effects,omitempty"`
}

// State is a workflow state and how the citizen sees it.
type State struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	CitizenText string `json:"citizen_text"`
	Final       bool   `json:"final,omitempty"`
	// Decision marks states that hold a decision ("bewilligt", "abgelehnt").
	Decision string `json:"decision,omitempty"`
}

// Workflow is a versioned definition attached to a service template.
type Workflow struct {
	ID          string       `json:"id"`
	Version     int          `json:"version"`
	Initial     string       `json:"initial"`
	States      []State      `json:"states"`
	Transitions []Transition `json:"transitions"`
}

// Role names the workflow can require; they match the identity roles.
const (
	RoleCaseworker = "caseworker"
	RoleTenantAdm  = "tenant_admin"
)

// DefaultWorkflow is Eingegangen → In Prüfung → (Nachforderung ↔ In
// Prüfung) → Bewilligt/Abgelehnt → Abgeschlossen.
func DefaultWorkflow() Workflow {
	caseworkers := []string{RoleCaseworker, RoleTenantAdm}
	return Workflow{
		ID: "standard", Version: 1, Initial: "eingegangen",
		States: []State{
			{ID: "eingegangen", Label: "Eingegangen", CitizenText: "Ihr Antrag ist eingegangen."},
			{ID: "in_pruefung", Label: "In Prüfung", CitizenText: "Ihr Antrag wird bearbeitet."},
			{ID: "nachforderung", Label: "Nachforderung", CitizenText: "Bitte reichen Sie Unterlagen nach."},
			{ID: "bewilligt", Label: "Entschieden: bewilligt", CitizenText: "Ihr Antrag wurde bewilligt.", Decision: "bewilligt"},
			{ID: "abgelehnt", Label: "Entschieden: abgelehnt", CitizenText: "Ihr Antrag wurde abgelehnt.", Decision: "abgelehnt"},
			{ID: "abgeschlossen", Label: "Abgeschlossen", CitizenText: "Der Vorgang ist abgeschlossen.", Final: true},
		},
		Transitions: []Transition{
			{Action: "start_review", Label: "Prüfung beginnen", From: []string{"eingegangen"}, To: "in_pruefung", Roles: caseworkers, Effects: []string{"notify_citizen"}},
			{Action: "request_documents", Label: "Unterlagen nachfordern", From: []string{"in_pruefung", "eingegangen"}, To: "nachforderung", Roles: caseworkers,
				Requires: []Requirement{NeedNote, NeedDeadline}, Effects: []string{"request_documents", "notify_citizen"}},
			{Action: "documents_received", Label: "Unterlagen eingegangen", From: []string{"nachforderung"}, To: "in_pruefung", Roles: append(caseworkers, "system"), Effects: []string{"notify_citizen"}},
			{Action: "approve", Label: "Bewilligen", From: []string{"in_pruefung"}, To: "bewilligt", Roles: caseworkers,
				Requires: []Requirement{NeedDocument}, Effects: []string{"issue_decision", "notify_citizen"}},
			{Action: "reject", Label: "Ablehnen", From: []string{"in_pruefung"}, To: "abgelehnt", Roles: caseworkers,
				Requires: []Requirement{NeedNote, NeedDocument}, Effects: []string{"issue_decision", "notify_citizen"}},
			{Action: "close", Label: "Abschließen", From: []string{"bewilligt", "abgelehnt"}, To: "abgeschlossen", Roles: caseworkers, Effects: []string{"notify_citizen"}},
		},
	}
}

// ParseWorkflow reads a workflow definition and validates it.
func ParseWorkflow(r io.Reader) (Workflow, error) {
	var w Workflow
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("casework: workflow: %w", err)
	}
	return w, w.Validate()
}

// Validate checks that states and transitions fit together.
func (w Workflow) Validate() error {
	ids := map[string]bool{}
	for _, s := range w.States {
		if s.ID == "" || ids[s.ID] {
			return fmt.Errorf("casework: workflow %s: state id %q missing or repeated", w.ID, s.ID)
		}
		ids[s.ID] = true
	}
	if !ids[w.Initial] {
		return fmt.Errorf("casework: workflow %s: initial state %q unknown", w.ID, w.Initial)
	}
	actions := map[string]bool{}
	for _, t := range w.Transitions {
		if t.Action == "" || actions[t.Action] {
			return fmt.Errorf("casework: workflow %s: action %q missing or repeated", w.ID, t.Action)
		}
		actions[t.Action] = true
		if !ids[t.To] {
			return fmt.Errorf("casework: workflow %s: action %s leads to unknown state %q", w.ID, t.Action, t.To)
		}
		for _, f := range t.From {
			if !ids[f] {
				return fmt.Errorf("casework: workflow %s: action %s starts from unknown state %q", w.ID, t.Action, f)
			}
		}
		if len(t.Roles) == 0 {
			return fmt.Errorf("casework: workflow %s: action %s names no role", w.ID, t.Action)
		}
	}
	return nil
}

// State returns the state with id.
func (w Workflow) State(id string) (State, bool) {
	i := slices.IndexFunc(w.States, func(s State) bool { return s.ID == id })
	if i < 0 {
		return State{}, false
	}
	return w.States[i], true
}

// Allowed lists the transitions possible from state for someone holding
// roles.
func (w Workflow) Allowed(state string, roles []string) []Transition {
	var out []Transition
	for _, t := range w.Transitions {
		if slices.Contains(t.From, state) && slices.ContainsFunc(t.Roles, func(r string) bool { return slices.Contains(roles, r) }) {
			out = append(out, t)
		}
	}
	return out
}

// Transition returns the definition of action.
func (w Workflow) Transition(action string) (Transition, bool) {
	i := slices.IndexFunc(w.Transitions, func(t Transition) bool { return t.Action == action })
	if i < 0 {
		return Transition{}, false
	}
	return w.Transitions[i], true
}
