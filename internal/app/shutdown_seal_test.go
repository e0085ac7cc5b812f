package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/audit"
	"github.com/serviceportal/serviceportal/internal/config"
	"github.com/serviceportal/serviceportal/internal/seed"
	"github.com/serviceportal/serviceportal/internal/tenant"
)

// TestShutdownSealsPendingAuditEvents: an event recorded just before the
// portal stops is in the hash chain when Serve returns, although the
// running sealer never got to it.
func TestShutdownSealsPendingAuditEvents(t *testing.T) {
	// Not parallel: it keeps the package's sealer interval out of the way.
	saved := auditSealEvery
	auditSealEvery = time.Hour
	defer func() { auditSealEvery = saved }()
	ctx := context.Background()
	cfg := config.Config{DataDir: t.TempDir(), LogFormat: "text"}
	db, _, err := OpenDatabase(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := seed.All(ctx, db); err != nil {
		t.Fatal(err)
	}
	dorsten, err := tenant.NewDirectory(db).BySlug(ctx, "dorsten")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg.Addr, cfg.BaseURL = ln.Addr().String(), base
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- Serve(serveCtx, cfg, db, ln, "test", slog.New(slog.DiscardHandler), io.Discard) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("Serve ended before it answered: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the portal did not come up: %v", err)
		}
	}
	if err := audit.New(db).Record(ctx, dorsten.ID, "system", "test.before_shutdown", "test:1", nil); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var pending int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_pending`).Scan(&pending); err != nil || pending != 0 {
		t.Fatalf("%d events still pending after shutdown (err %v)", pending, err)
	}
	events, err := audit.New(db).List(ctx, dorsten.ID, 10)
	if err != nil || len(events) == 0 || events[0].Action != "test.before_shutdown" {
		t.Fatalf("chain after shutdown: %+v, %v", events, err)
	}
}
