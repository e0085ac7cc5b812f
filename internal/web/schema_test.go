package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// TestFormSchemaURL: the template library links each template's JSON
// Schema at a stable URL, and the stored data of a real application
// (through the API) validates against it with an independent JSON Schema
// implementation.
func TestFormSchemaURL(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	body, _ := json.Marshal(map[string]any{"data": dogApplication(t)})
	resp, created, err := postApplication(ts.URL, "schema-1", body)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("submit: %v %v", resp.StatusCode, err)
	}
	var lib struct {
		Templates []struct {
			Service, Owner, Schema string
		}
	}
	getJSON(t, ts.URL+"/api/v1/templates", 200, &lib)
	var schemaURL string
	for _, tpl := range lib.Templates {
		if tpl.Service == "hundeanmeldung" && tpl.Owner == "Stadt Dorsten" {
			schemaURL = strings.TrimPrefix(tpl.Schema, "http://portal.test")
		}
	}
	if !strings.HasSuffix(schemaURL, "/versions/1/schema.json") {
		t.Fatalf("schema link %q", schemaURL)
	}
	res, err := http.Get(ts.URL + schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/schema+json" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("schema answer %d %v", res.StatusCode, res.Header)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // dates and times are part of the contract
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	dorsten, _ := uc.Tenants.BySlug(ctx, "dorsten")
	sub, err := uc.Submissions.Submission(ctx, dorsten.ID, created["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(sub.Values)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(stored))
	if err := schema.Validate(inst); err != nil {
		t.Fatalf("stored application does not satisfy its schema: %v", err)
	}
	// The schema is not a rubber stamp: a broken copy fails.
	for field, value := range map[string]any{"F90000004": "1985-13-45", "F90000012": "4628", "F90000091": false, "X1": "fremd"} {
		old := sub.Values[field]
		sub.Values[field] = value
		broken, _ := json.Marshal(sub.Values)
		inst, _ = jsonschema.UnmarshalJSON(bytes.NewReader(broken))
		if schema.Validate(inst) == nil {
			t.Errorf("schema accepts %s = %v", field, value)
		}
		sub.Values[field] = old
		if old == nil {
			delete(sub.Values, field)
		}
	}
	for _, bad := range []string{"/versions/99/schema.json", "/versions/eins/schema.json"} {
		r, _ := http.Get(ts.URL + strings.Replace(schemaURL, "/versions/1/schema.json", bad, 1))
		r.Body.Close()
		if r.StatusCode != 404 {
			t.Fatalf("%s: %d", bad, r.StatusCode)
		}
	}
}
