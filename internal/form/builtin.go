package form

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed schemas/*.json
var schemaFS embed.FS

var builtins struct {
	once  sync.Once
	forms map[string]*Form
	err   error
}

func loadBuiltins() {
	builtins.forms = map[string]*Form{}
	entries, err := schemaFS.ReadDir("schemas")
	if err != nil {
		builtins.err = fmt.Errorf("form: builtin schemas: %w", err)
		return
	}
	for _, e := range entries {
		data, err := schemaFS.ReadFile(path.Join("schemas", e.Name()))
		if err != nil {
			builtins.err = fmt.Errorf("form: builtin schema %s: %w", e.Name(), err)
			return
		}
		f, err := Parse(bytes.NewReader(data))
		if err != nil {
			builtins.err = fmt.Errorf("form: builtin schema %s: %w", e.Name(), err)
			return
		}
		if id := strings.TrimSuffix(e.Name(), ".json"); id != f.ID {
			builtins.err = fmt.Errorf("form: builtin schema %s has id %q", e.Name(), f.ID)
			return
		}
		builtins.forms[f.ID] = f
	}
}

// Builtin returns the form schema shipped with the portal for a service,
// e.g. "hundeanmeldung". Forms are parsed once and shared; they are
// immutable.
func Builtin(id string) (*Form, error) {
	builtins.once.Do(loadBuiltins)
	if builtins.err != nil {
		return nil, builtins.err
	}
	f, ok := builtins.forms[id]
	if !ok {
		return nil, fmt.Errorf("form: no builtin form %q", id)
	}
	return f, nil
}

// BuiltinIDs lists the IDs of the shipped forms, sorted.
func BuiltinIDs() []string {
	builtins.once.Do(loadBuiltins)
	ids := make([]string, 0, len(builtins.forms))
	for id := range builtins.forms {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// BuiltinJSON returns the schema document of a shipped form, e.g. to
// publish it as the first version of a template.
func BuiltinJSON(id string) ([]byte, error) {
	if _, err := Builtin(id); err != nil {
		return nil, err
	}
	return schemaFS.ReadFile(path.Join("schemas", id+".json"))
}
