package form

import (
	"encoding/json"
	"fmt"
)

// Values are typed answers keyed by field ID. A repeatable group's ID maps
// to []Values, one per instance. Only visible fields with a value appear.
type Values map[string]any

// Values returns the typed values of all visible fields, calculated ones
// included.
func (s *State) Values() Values {
	out := Values{}
	for _, st := range s.f.Steps {
		if !s.hidden[stepKey(st.ID)] {
			s.collect(out, s.root, st.Items)
		}
	}
	return out
}

func (s *State) collect(out Values, in *inst, items []Item) {
	for _, it := range items {
		if s.hidden[in.prefix+it.ItemID()] {
			continue
		}
		switch it := it.(type) {
		case *Field:
			if v := in.vals[it.ID]; v != nil {
				out[it.ID] = v
			}
		case *Group:
			if !it.Card.Repeatable() {
				s.collect(out, in, it.Items)
				continue
			}
			insts := in.subs[it.ID]
			if len(insts) == 0 {
				continue
			}
			arr := make([]Values, len(insts))
			for i, c := range insts {
				arr[i] = Values{}
				s.collect(arr[i], c, it.Items)
			}
			out[it.ID] = arr
		}
	}
}

// Export converts typed values into the JSON submission: keyed by field
// ID, repeatable groups as arrays of objects, dates as "JJJJ-MM-TT",
// amounts as numbers in euros, files as {id, name, size, mediaType}. The
// result validates against JSONSchema(f).
func (f *Form) Export(v Values) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		switch x := x.(type) {
		case []Values:
			arr := make([]any, len(x))
			for i, sub := range x {
				arr[i] = f.Export(sub)
			}
			out[k] = arr
		default:
			if fd, ok := f.idx.fields[k]; ok {
				out[k] = fd.typ.Export(fd, x)
			}
		}
	}
	return out
}

// RawFromJSON turns a JSON submission (as produced by Export, e.g. posted
// to the API) back into raw values, so that it can be validated like a
// browser post. Unknown keys are an error.
func (f *Form) RawFromJSON(data map[string]any) (map[string][]string, error) {
	raw := map[string][]string{}
	if err := f.rawFromJSON(raw, "", nil, data); err != nil {
		return nil, err
	}
	return raw, nil
}

func (f *Form) rawFromJSON(raw map[string][]string, prefix string, scope *Group, data map[string]any) error {
	for k, x := range data {
		if g, ok := f.idx.groups[k]; ok && g.Card.Repeatable() && g.scope == scope {
			arr, ok := x.([]any)
			if !ok || len(arr) > MaxInstances {
				return fmt.Errorf("form: %s%s must be an array of at most %d objects", prefix, k, MaxInstances)
			}
			raw[prefix+k+countSuffix] = []string{itoa(len(arr))}
			for i, el := range arr {
				obj, ok := el.(map[string]any)
				if !ok {
					return fmt.Errorf("form: %s%s[%d] must be an object", prefix, k, i)
				}
				if err := f.rawFromJSON(raw, instanceName(prefix+k, i)+".", g, obj); err != nil {
					return err
				}
			}
			continue
		}
		fd, ok := f.idx.fields[k]
		if !ok || fd.scope != scope {
			return fmt.Errorf("form: unknown key %s%s", prefix, k)
		}
		s, err := jsonToRaw(fd, x)
		if err != nil {
			return fmt.Errorf("form: %s%s: %w", prefix, k, err)
		}
		raw[prefix+k] = []string{s}
	}
	return nil
}

// jsonToRaw writes one JSON value in a notation the field type parses.
func jsonToRaw(f *Field, x any) (string, error) {
	if f.Type == Obj && x != nil {
		b, err := json.Marshal(x)
		return string(b), err
	}
	switch x := x.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case float64:
		return formatFloat(x), nil
	case map[string]any:
		if f.Type == File {
			id, _ := x["id"].(string)
			name, _ := x["name"].(string)
			size, _ := x["size"].(float64)
			mt, _ := x["mediaType"].(string)
			return EncodeFileRef(FileRef{ID: id, Name: name, Size: int64(size), MediaType: mt}), nil
		}
	}
	return "", fmt.Errorf("unexpected JSON value %T", x)
}
