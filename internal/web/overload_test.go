package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
	"github.com/serviceportal/serviceportal/internal/web"
)

// TestOverloadAnswers503 fills a portal limited to 2 requests in flight
// with slow requests: further requests get 503 with Retry-After quickly
// instead of waiting, and the health check still answers.
func TestOverloadAnswers503(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	seed.All(ctx, db)
	uc, err := web.NewUseCases(ctx, db, bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Options{DB: db, BaseURL: "http://portal.test", Logger: slog.New(slog.DiscardHandler), UseCases: uc,
		MaxInFlight: 2, AdmissionWait: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	// Two uploads that send their bodies slowly occupy both slots.
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr, pw := io.Pipe()
			go func() {
				pw.Write([]byte(`{"data":`))
				<-release
				pw.Write([]byte(`{}}`))
				pw.Close()
			}()
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", pr)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "slow")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	resp, err := http.Get(ts.URL + "/dorsten/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !bytes.Contains(body, []byte("Vorübergehend nicht erreichbar")) {
		t.Fatalf("overloaded page: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("503 without security headers")
	}
	if resp, err := http.Get(ts.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("health check during overload: %v %v", resp.StatusCode, err)
	}
	close(release)
	wg.Wait()
	if resp, err := http.Get(ts.URL + "/dorsten/"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after the load: %v", resp.StatusCode)
	}
}
