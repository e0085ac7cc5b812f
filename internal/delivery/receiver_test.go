package delivery_test

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
)

// receiver is a webhook endpoint as a back-end system would run it: it
// verifies every request's signature and keeps each delivery once, by its
// delivery ID. It can fail a share of calls at random (seeded): half of
// those before it processed the request, half after (the answer is lost,
// so the portal sends again and the receiver must deduplicate).
type receiver struct {
	secret string

	mu       sync.Mutex
	rng      *rand.Rand
	failRate float64
	down     bool // answer every call with 503
	calls    int
	failed   int
	badSig   int
	repeats  int
	headerID int // requests whose header ID differed from the body's
	got      map[string]delivery.WebhookPayload
}

func newReceiver(t testing.TB, secret string, failRate float64, seed uint64) (*receiver, *httptest.Server) {
	r := &receiver{secret: secret, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), failRate: failRate,
		got: map[string]delivery.WebhookPayload{}}
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.down {
		r.failed++
		http.Error(w, "Wartungsarbeiten", http.StatusServiceUnavailable)
		return
	}
	fail := r.rng.Float64() < r.failRate
	failEarly := fail && r.rng.IntN(2) == 0
	if failEarly {
		r.failed++
		http.Error(w, "überlastet", http.StatusInternalServerError)
		return
	}
	if err := delivery.VerifySignature(r.secret, req.Header.Get(delivery.HeaderTimestamp), string(body),
		req.Header.Get(delivery.HeaderSignature), time.Minute); err != nil || req.Header.Get("Content-Type") != "application/json" {
		r.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p delivery.WebhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	id := req.Header.Get(delivery.HeaderDelivery)
	if id != p.DeliveryID {
		r.headerID++
	}
	if _, dup := r.got[id]; dup {
		r.repeats++
	} else {
		r.got[id] = p
	}
	if fail {
		// Processed, but the answer never arrives.
		r.failed++
		http.Error(w, "timeout upstream", http.StatusGatewayTimeout)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (r *receiver) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

type receiverStats struct{ calls, failed, badSig, repeats, headerID, distinct int }

func (r *receiver) stats() receiverStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return receiverStats{r.calls, r.failed, r.badSig, r.repeats, r.headerID, len(r.got)}
}

func (r *receiver) payload(id string) (delivery.WebhookPayload, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.got[id]
	return p, ok
}
