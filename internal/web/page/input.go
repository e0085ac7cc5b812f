package page

import (
	"fmt"
	"reflect"
	"time"
)

// Input is one labelled text input with its hint, error and ARIA links,
// rendered by the "input" template.
type Input struct {
	Name, Label, Type, Autocomplete, InputMode, Hint, Value, Error string
}

// FormView is what form pages put in Data.View: Value and Err by name.
type FormView interface {
	Value(field string) string
	Err(field string) string
}

func newInput(d Data, name, label, typ, autocomplete, hint, mode string) Input {
	in := Input{Name: name, Label: label, Type: typ, Autocomplete: autocomplete, Hint: hint, InputMode: mode}
	if fv, ok := d.View.(FormView); ok && !isNil(d.View) {
		in.Value, in.Error = fv.Value(name), fv.Err(name)
	}
	return in
}

func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()

var roleLabels = map[string]string{
	"region_admin": "Administration der Region", "operator_admin": "Administration des Rechenzentrums",
	"tenant_admin": "Administration der Behörde", "coordinator": "Koordination (Loki)", "caseworker": "Sachbearbeitung",
}

func roleLabel(role any) string {
	s := fmt.Sprint(role)
	if l, ok := roleLabels[s]; ok {
		return l
	}
	return s
}
