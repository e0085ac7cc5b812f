package api

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIDocument: the served document is JSON, OpenAPI 3.1, and every
// operation it names has an answer and a summary.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	New(Deps{}).Routes().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Info    struct{ Title, Version string }      `json:"info"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Info.Title == "" || doc.Info.Version == "" {
		t.Fatalf("openapi %q, info %+v", doc.OpenAPI, doc.Info)
	}
	for p, ops := range doc.Paths {
		for method, op := range ops {
			if op["summary"] == nil || op["responses"] == nil {
				t.Errorf("%s %s: summary or responses missing", method, p)
			}
		}
	}
	// Every $ref points at something the document defines.
	var raw any
	json.Unmarshal(openAPIDoc, &raw)
	for _, ref := range regexp.MustCompile(`"\$ref":\s*"#/([^"]+)"`).FindAllStringSubmatch(string(openAPIDoc), -1) {
		node := raw
		for _, part := range strings.Split(ref[1], "/") {
			m, _ := node.(map[string]any)
			node = m[part]
		}
		if node == nil {
			t.Errorf("$ref #/%s points nowhere", ref[1])
		}
	}
}

// TestOpenAPICoversRoutes walks the registered /api/v1 routes and fails
// for any that the document does not describe, and for documented ones
// that no longer exist.
func TestOpenAPICoversRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, pattern := range New(Deps{}).routes().patterns {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok || !strings.HasPrefix(path, "/api/v1/") {
			continue // the catch-all for unknown addresses
		}
		registered[pattern] = true
		if !documented[method+" "+path] {
			t.Errorf("%s is served but missing from openapi.json", pattern)
		}
	}
	if len(registered) < 18 {
		t.Fatalf("only %d routes found", len(registered))
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("openapi.json documents %s, which is not served", op)
		}
	}
}
