package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/clamd"
	"github.com/serviceportal/serviceportal/internal/clamd/clamdtest"
	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// dogApplication is a valid Hundeanmeldung as the API takes it.
func dogApplication(t *testing.T) map[string]any {
	t.Helper()
	f, _ := form.Builtin("hundeanmeldung")
	raw := map[string][]string{"F90000001": {"Erika"}, "F90000002": {"Mustermann"}, "F90000004": {"12.08.1985"},
		"F90000011": {"Markt 1"}, "F90000012": {"46282"}, "F90000013": {"Dorsten"}, "F90000021": {"erika@example.org"},
		"F90000091": {"true"}, "F90000092": {"true"}, "F90100021": {"false"}, "G90100010.count": {"1"},
		"G90100010[0].F90100011": {"Bello"}, "G90100010[0].F90100012": {"labrador"}, "G90100010[0].F90100013": {"ruede"},
		"G90100010[0].F90100015": {"01.03.2024"}, "G90100010[0].F90100017": {"false"}}
	res := f.Evaluate(raw, time.Now()).ValidateAll()
	if !res.OK() {
		t.Fatalf("fixture invalid: %v", res.Problems)
	}
	return f.Export(res.Values)
}

func postApplication(ts string, key string, body []byte) (*http.Response, map[string]any, error) {
	req, _ := http.NewRequest("POST", ts+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp, out, nil
}

func TestSubmissionAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		good, _ := json.Marshal(map[string]any{"data": dogApplication(t)})
		resp, _, err := postApplication(ts.URL, "", good)
		if err != nil || resp.StatusCode != 400 {
			t.Fatalf("without key: %v %v", resp.StatusCode, err)
		}
		bad, _ := json.Marshal(map[string]any{"data": map[string]any{"F90000001": "Erika"}})
		resp, out, _ := postApplication(ts.URL, "k-bad", bad)
		params, _ := out["invalid-params"].([]any)
		if resp.StatusCode != 422 || len(params) == 0 || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
			t.Fatalf("invalid application: %d %v", resp.StatusCode, out)
		}
		first := params[0].(map[string]any)
		if first["name"] == "" || first["reason"] == "" {
			t.Fatalf("invalid-params without field and reason: %v", first)
		}
		resp, out, _ = postApplication(ts.URL, "k-good", good)
		if resp.StatusCode != 201 || !strings.HasPrefix(out["trackingNumber"].(string), "DOR-") {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		var status struct {
			Status string
			Events []any
		}
		// Location carries the configured public address; ask the test server.
		getJSON(t, strings.Replace(resp.Header.Get("Location"), "http://portal.test", ts.URL, 1), 200, &status)
		if status.Status != "eingegangen" || len(status.Events) != 1 {
			t.Fatalf("status: %+v", status)
		}
		resp, again, _ := postApplication(ts.URL, "k-good", good)
		if resp.StatusCode != 200 || again["id"] != out["id"] {
			t.Fatalf("repeat: %d %v", resp.StatusCode, again)
		}
		resp, _, _ = postApplication(ts.URL, "k-x", []byte("kein json"))
		if resp.StatusCode != 400 {
			t.Fatalf("broken JSON: %d", resp.StatusCode)
		}
	})
}

// TestThousandConcurrentDuplicates sends 1,000 POSTs with the same
// Idempotency-Key at once: exactly one application must exist, and every
// answer names it.
func TestThousandConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		body, _ := json.Marshal(map[string]any{"data": dogApplication(t)})
		var wg sync.WaitGroup
		ids := make(chan string, 1000)
		errs := make(chan string, 1000)
		sem := make(chan struct{}, 100) // the client's connection pool, not a limit on the server
		for range 1000 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				resp, out, err := postApplication(ts.URL, "double-click", body)
				if err != nil {
					errs <- err.Error()
					return
				}
				if resp.StatusCode != 200 && resp.StatusCode != 201 {
					errs <- resp.Status
					return
				}
				ids <- out["id"].(string)
			}()
		}
		wg.Wait()
		close(ids)
		close(errs)
		for e := range errs {
			t.Fatal(e)
		}
		distinct := map[string]int{}
		for id := range ids {
			distinct[id]++
		}
		var n int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM submissions`).Scan(&n)
		if len(distinct) != 1 || n != 1 {
			t.Fatalf("%d distinct ids, %d rows; want 1", len(distinct), n)
		}
	})
}

// TestSubmissionAPIWithFiles sends a listed dog with its proof of
// competence as multipart; the file arrives with its SHA-512, and a file
// that is no document, or carries malware, is refused.
func TestSubmissionAPIWithFiles(t *testing.T) {
	t.Parallel()
	ts, uc := newPortal(t, storetest.Open(t, store.SQLite))
	scanner, err := clamd.New(clamdtest.Start(t, 4<<20))
	if err != nil {
		t.Fatal(err)
	}
	uc.Submissions.SetScanner(scanner)
	data := dogApplication(t)
	dogs := data["G90100010"].([]any)
	dog := dogs[0].(map[string]any)
	dog["F90100017"] = true
	dog["F90100018"] = "AZ 32/2025"
	send := func(file []byte) (*http.Response, map[string]any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		dw, _ := mw.CreateFormField("data")
		json.NewEncoder(dw).Encode(map[string]any{"data": data})
		if file != nil {
			fw, _ := mw.CreateFormFile("G90100010[0].F90100019", "sachkunde.pdf")
			fw.Write(file)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Idempotency-Key", fmt.Sprint(len(file), "-", time.Now().UnixNano()))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	if resp, out := send(nil); resp.StatusCode != 422 {
		t.Fatalf("listed dog without proof: %d %v", resp.StatusCode, out)
	}
	if resp, _ := send([]byte("MZ\x90 executable")); resp.StatusCode != 422 {
		t.Fatalf("executable accepted: %d", resp.StatusCode)
	}
	if resp, out := send([]byte("%PDF-1.4\n" + clamdtest.EICAR)); resp.StatusCode != 422 || out["title"] != "Schadsoftware gefunden" {
		t.Fatalf("malware: %d %v", resp.StatusCode, out)
	}
	pdf := []byte("%PDF-1.4\nSachkundenachweis\n%%EOF\n")
	resp, out := send(pdf)
	if resp.StatusCode != 201 {
		t.Fatalf("with proof: %d %v", resp.StatusCode, out)
	}
	dorsten, _ := uc.Tenants.BySlug(context.Background(), "dorsten")
	sub, err := uc.Submissions.Submission(context.Background(), dorsten.ID, out["id"].(string))
	if err != nil || len(sub.Attachments) != 1 || sub.Attachments[0].Size != int64(len(pdf)) {
		t.Fatalf("stored: %+v, %v", sub.Attachments, err)
	}
	var drafts int
	uc.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM drafts`).Scan(&drafts)
	if drafts != 0 {
		t.Fatalf("%d drafts left behind by API calls", drafts)
	}
}

// createdApplication is the API's answer to a new application.
type createdApplication struct{ ID, TrackingNumber, StatusURL string }

// postDogWithProof applies for a listed dog through the API, as
// multipart with the proof of competence as a file, and expects 201.
func postDogWithProof(t *testing.T, base, key string, pdf []byte) createdApplication {
	t.Helper()
	data := dogApplication(t)
	dog := data["G90100010"].([]any)[0].(map[string]any)
	dog["F90100017"], dog["F90100018"] = true, "AZ 32/2025"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	dw, _ := mw.CreateFormField("data")
	json.NewEncoder(dw).Encode(map[string]any{"data": data})
	fw, _ := mw.CreateFormFile("G90100010[0].F90100019", "sachkunde.pdf")
	fw.Write(pdf)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Idempotency-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created createdApplication
	json.NewDecoder(resp.Body).Decode(&created)
	if resp.StatusCode != 201 || created.ID == "" {
		t.Fatalf("application: %d %+v", resp.StatusCode, created)
	}
	return created
}
