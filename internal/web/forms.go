package web

import "github.com/serviceportal/serviceportal/internal/form"

// builtinForms serves the form schemas shipped with the portal. A draft
// keeps the version it started with; a shipped schema that changed its
// version cannot open older drafts (versioned templates in the database
// lift this).
type builtinForms struct{}

func (builtinForms) Current(id string) (*form.Form, bool) {
	f, err := form.Builtin(id)
	return f, err == nil
}

func (builtinForms) Version(id, version string) (*form.Form, bool) {
	f, err := form.Builtin(id)
	if err != nil || f.Version != version {
		return nil, false
	}
	return f, true
}
