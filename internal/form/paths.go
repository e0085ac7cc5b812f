package form

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// HTML names (the keys of raw values) follow the schema:
//
//	F01                 a field outside repeatable groups
//	G01[0].F02          field F02 in the first instance of repeatable group G01
//	G01[0].G03[2].F04   nested repeatable groups
//	G01.count           number of instances of G01 (hidden input)
//	G01[0].G03.count    number of instances of G03 inside G01[0]
//
// Plain (non-repeatable) groups do not appear in names: they are
// fieldsets, and their fields' IDs are unique in the form.

// countSuffix ends the key that holds a repeatable group's instance count.
const countSuffix = ".count"

// MaxValueLen bounds one posted value; MergeStep cuts longer values.
const MaxValueLen = 100_000

// instanceName returns the name prefix of instance i of a group path.
func instanceName(groupPath string, i int) string {
	return groupPath + "[" + strconv.Itoa(i) + "]"
}

// HTMLID turns an HTML name into a safe id attribute: "G01[0].F02" → "f-G01-0-F02".
func HTMLID(name string) string {
	return "f-" + idReplacer.Replace(name)
}

var idReplacer = strings.NewReplacer("[", "-", "]", "", ".", "-")

// rootName returns the first segment of a name: "G01[0].F02" → "G01".
func rootName(name string) string {
	if i := strings.IndexAny(name, "[."); i >= 0 {
		return name[:i]
	}
	return name
}

// resolved is what a raw key names.
type resolved struct {
	field *Field // a field value
	group *Group // a count key
}

// resolve checks a raw key against the schema. It accepts field names and
// count keys whose instance path matches the nesting of repeatable groups.
func (f *Form) resolve(name string) (resolved, bool) {
	if len(name) > 512 {
		return resolved{}, false
	}
	var scope *Group
	rest := name
	for {
		open := strings.IndexByte(rest, '[')
		dot := strings.IndexByte(rest, '.')
		if open < 0 || (dot >= 0 && dot < open) {
			break
		}
		g, ok := f.idx.groups[rest[:open]]
		if !ok || !g.Card.Repeatable() || g.scope != scope {
			return resolved{}, false
		}
		end := strings.IndexByte(rest, ']')
		if end < open {
			return resolved{}, false
		}
		i, err := strconv.Atoi(rest[open+1 : end])
		if err != nil || i < 0 || i >= MaxInstances || strconv.Itoa(i) != rest[open+1:end] {
			return resolved{}, false
		}
		if end+1 >= len(rest) || rest[end+1] != '.' {
			return resolved{}, false
		}
		scope, rest = g, rest[end+2:]
	}
	if gid, ok := strings.CutSuffix(rest, countSuffix); ok {
		g, found := f.idx.groups[gid]
		if found && g.Card.Repeatable() && g.scope == scope {
			return resolved{group: g}, true
		}
		return resolved{}, false
	}
	fd, ok := f.idx.fields[rest]
	if !ok || fd.scope != scope {
		return resolved{}, false
	}
	return resolved{field: fd}, true
}

// instanceCount returns how many instances a group path has in raw: the
// count key if present, else one more than the highest instance index
// found. The result is capped at MaxInstances.
func instanceCount(raw map[string][]string, groupPath string) int {
	if v := raw[groupPath+countSuffix]; len(v) > 0 {
		if n, err := strconv.Atoi(strings.TrimSpace(v[0])); err == nil && n >= 0 {
			return min(n, MaxInstances)
		}
	}
	n := 0
	prefix := groupPath + "["
	for k := range raw {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			continue
		}
		if i, err := strconv.Atoi(rest[:end]); err == nil && i >= 0 && i < MaxInstances && i+1 > n {
			n = i + 1
		}
	}
	return n
}

// MergeStep returns the draft's raw values with those of one step replaced
// by the posted ones. Posted keys that do not name an input or select field
// or an instance count of this step are dropped (hidden and locked values
// are the server's, not the browser's), as are posted values of file
// fields: the upload layer sets those with
// raw[name] = []string{EncodeFileRef(ref)} and removes them with delete.
// Only the last value of each key is kept, cut to MaxValueLen bytes: a
// checkbox is rendered after a hidden input of the same name with an empty
// value, so an unticked box still posts "" and a ticked one posts ["",
// "true"]; the multipart reader keeps the last value too.
func (f *Form) MergeStep(stepID string, draft, posted map[string][]string) (map[string][]string, error) {
	if _, ok := f.idx.steps[stepID]; !ok {
		return nil, fmt.Errorf("form: unknown step %q", stepID)
	}
	out := make(map[string][]string, len(draft)+len(posted))
	for k, v := range draft {
		if f.idx.roots[rootName(k)] == nil || f.idx.roots[rootName(k)].ID != stepID {
			out[k] = v
			continue
		}
		if r, ok := f.resolve(k); ok && r.field != nil && r.field.Type == File {
			out[k] = v
		}
	}
	for k, v := range posted {
		if len(v) == 0 {
			continue
		}
		s := f.idx.roots[rootName(k)]
		if s == nil || s.ID != stepID {
			continue
		}
		r, ok := f.resolve(k)
		if !ok {
			continue
		}
		if r.field != nil && (r.field.Type == File || (r.field.Kind != KindInput && r.field.Kind != KindSelect)) {
			continue
		}
		val := v[len(v)-1]
		if len(val) > MaxValueLen {
			val = val[:MaxValueLen]
		}
		out[k] = []string{val}
	}
	return out, nil
}

// ErrAction reports an add/remove action that does not fit the form.
var ErrAction = errors.New("form: invalid action")

// ApplyAction performs an "add another" or "remove" button without
// JavaScript. action is the button's value from the render model:
// "add:G01", "add:G01[0].G03" (a group path) or "remove:G01[2]" (an
// instance). Adding stops at the group's maximum; removing renumbers the
// following instances. raw is not modified; the result is a new map.
func (f *Form) ApplyAction(raw map[string][]string, action string) (map[string][]string, error) {
	op, path, _ := strings.Cut(action, ":")
	out := make(map[string][]string, len(raw)+1)
	for k, v := range raw {
		out[k] = v
	}
	switch op {
	case "add":
		r, ok := f.resolve(path + countSuffix)
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrAction, action)
		}
		n := instanceCount(raw, path)
		if r.group.Card.Max != Many && n >= r.group.Card.Max || n >= MaxInstances {
			return out, nil
		}
		out[path+countSuffix] = []string{strconv.Itoa(n + 1)}
		return out, nil
	case "remove":
		open := strings.LastIndexByte(path, '[')
		if open < 0 || !strings.HasSuffix(path, "]") {
			return nil, fmt.Errorf("%w: %q", ErrAction, action)
		}
		groupPath := path[:open]
		i, err := strconv.Atoi(path[open+1 : len(path)-1])
		if _, ok := f.resolve(groupPath + countSuffix); !ok || err != nil || i < 0 {
			return nil, fmt.Errorf("%w: %q", ErrAction, action)
		}
		n := instanceCount(raw, groupPath)
		if i >= n {
			return out, nil
		}
		removeInstance(out, groupPath, i, n)
		out[groupPath+countSuffix] = []string{strconv.Itoa(n - 1)}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrAction, action)
}

// removeInstance deletes instance i of groupPath and moves the later
// instances one place down.
func removeInstance(raw map[string][]string, groupPath string, i, n int) {
	type move struct {
		from, to string
	}
	var moves []move
	for k := range raw {
		for j := i; j < n; j++ {
			p := instanceName(groupPath, j)
			if rest, ok := strings.CutPrefix(k, p); ok && (rest == "" || rest[0] == '.') {
				if j == i {
					moves = append(moves, move{from: k})
				} else {
					moves = append(moves, move{from: k, to: instanceName(groupPath, j-1) + rest})
				}
				break
			}
		}
	}
	// Take all affected keys out first, so that no move overwrites a key not yet moved.
	vals := make(map[string][]string, len(moves))
	for _, m := range moves {
		vals[m.from] = raw[m.from]
		delete(raw, m.from)
	}
	for _, m := range moves {
		if m.to != "" {
			raw[m.to] = vals[m.from]
		}
	}
}

// FieldByName returns the field an HTML name refers to ("G01[0].F02" →
// F02), e.g. for the upload layer to find Accept and MaxSize. Names that
// do not fit the schema's nesting are not found.
func (f *Form) FieldByName(name string) (*Field, bool) {
	r, ok := f.resolve(name)
	return r.field, ok && r.field != nil
}

// FieldByID returns a field by its ID.
func (f *Form) FieldByID(id string) (*Field, bool) {
	fd, ok := f.idx.fields[id]
	return fd, ok
}

// StepID returns the ID of the step a field is on.
func (f *Field) StepID() string {
	if f.step == nil {
		return ""
	}
	return f.step.ID
}
