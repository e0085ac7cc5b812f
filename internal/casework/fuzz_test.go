package casework

import (
	"strings"
	"testing"
)

// FuzzParseWorkflow: a workflow definition is accepted only when it is
// consistent; whatever is accepted has its initial state.
func FuzzParseWorkflow(f *testing.F) {
	f.Add(`{"id":"x","version":1,"initial":"a","states":[{"id":"a","label":"A","citizen_text":"a"}],"transitions":[]}`)
	f.Add(`{"id":"x","initial":"a","states":[],"transitions":[{"action":"go","from":["a"],"to":"b","roles":["r"]}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		w, err := ParseWorkflow(strings.NewReader(doc))
		if err != nil {
			return
		}
		if _, ok := w.State(w.Initial); !ok {
			t.Fatalf("accepted workflow without its initial state: %+v", w)
		}
	})
}
