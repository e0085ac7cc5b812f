package inbound

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/serviceportal/serviceportal/internal/xgewerbe"
)

// Section is a titled group of labelled values, as the case view shows
// a form's answers.
type Section = xgewerbe.Section

// Row is one labelled value.
type Row = xgewerbe.Row

// Sections renders a received submission for the caseworker: the facts
// of the transfer, then the data: an XGewerbeanzeige as its sections,
// JSON as labelled paths, other data as text. ok is false for values that
// did not come from FIT-Connect.
func Sections(values map[string]any) ([]Section, bool) {
	meta, ok := values["fitconnect"].(map[string]any)
	if !ok {
		return nil, false
	}
	str := func(k string) string { s, _ := meta[k].(string); return s }
	head := Section{Title: "Übermittlung über FIT-Connect"}
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			head.Rows = append(head.Rows, Row{Label: label, Value: v})
		}
	}
	add("Verwaltungsleistung", strings.TrimSpace(str("serviceName")+" ("+str("serviceIdentifier")+")"))
	if t, err := time.Parse(time.RFC3339, str("submittedAt")); err == nil {
		add("Beim Zustelldienst eingereicht", t.In(berlin).Format("02.01.2006, 15:04 Uhr"))
	}
	add("Aktenzeichen des Absenders", str("senderReference"))
	add("Antragsdatum", str("applicationDate"))
	add("Antwort per E-Mail an", str("replyEmail"))
	add("Zahlung", str("payment"))
	add("Fachdatenschema", str("schemaUri"))
	add("Submission-ID", str("submissionId"))
	add("Vorgangs-ID (caseId)", str("caseId"))
	out := []Section{head}
	data := Data(values)
	switch {
	case data == nil:
	case isXGewerbeanzeige(str("schemaUri"), data):
		a, err := xgewerbe.Parse(bytes.NewReader(data))
		if err != nil {
			return append(out, Section{Title: "Fachdaten", Rows: []Row{{Label: "Fehler", Value: err.Error()}}}), true
		}
		out = append(out, a.Sections()...)
	case json.Valid(data):
		var v any
		_ = json.Unmarshal(data, &v)
		sec := Section{Title: "Fachdaten"}
		flatten(&sec, "", v)
		out = append(out, sec)
	default:
		out = append(out, Section{Title: "Fachdaten", Rows: []Row{{Label: str("mimeType"), Value: string(data)}}})
	}
	return out, true
}

// Data returns a received submission's data as it arrived.
func Data(values map[string]any) []byte {
	if s, ok := values["data"].(string); ok {
		return []byte(s)
	}
	if s, ok := values["dataBase64"].(string); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return b
		}
	}
	return nil
}

// flatten lists a JSON value's leaves by their path (Antragsteller.Name).
func flatten(sec *Section, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(sec, join(path, k), x[k])
		}
	case []any:
		for i, e := range x {
			flatten(sec, fmt.Sprintf("%s[%d]", path, i+1), e)
		}
	case nil:
	case bool:
		val := "Nein"
		if x {
			val = "Ja"
		}
		sec.Rows = append(sec.Rows, Row{Label: path, Value: val})
	default:
		sec.Rows = append(sec.Rows, Row{Label: path, Value: fmt.Sprint(x)})
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

var berlin = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return l
	}
	return time.UTC
}()
