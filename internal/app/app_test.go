package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestShutdownFinishesInFlightRequests cancels the context while a request
// is inside its handler: the request must still get its full answer.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "fertig")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var drained atomic.Bool
	done := make(chan error, 1)
	go func() {
		done <- serveUntilDone(ctx, srv, ln, func() { drained.Store(true) }, 5*time.Second, slog.New(slog.DiscardHandler))
	}()
	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			res <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		res <- result{string(b), err}
	}()
	<-entered
	cancel()
	r := <-res
	if r.err != nil || r.body != "fertig" {
		t.Fatalf("in-flight request: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serveUntilDone: %v", err)
	}
	if !drained.Load() {
		t.Error("instance was not marked as draining")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("listener still accepts connections after shutdown")
	}
}
