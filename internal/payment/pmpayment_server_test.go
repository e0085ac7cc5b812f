package payment_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/payment"
)

// pmServer is a pmPayment (GovConnect) server for one merchant, following
// the protocol described in pmpayment.go: it refuses start requests whose
// hash, merchant, procedure, amount or purpose is wrong, keeps the
// transactions, answers status checks and posts notifications.
type pmServer struct {
	t                    *testing.T
	srv                  *httptest.Server
	ags, procedure, salt string

	mu  sync.Mutex
	txs map[string]*pmTx
}

type pmTx struct {
	start  url.Values
	status int // 1 paid, 0 failed, -1 open
	method string
}

var sepaRe = regexp.MustCompile(`^[a-zA-Z0-9/?:().,'+ -]{1,27}$`)

func newPmServer(t *testing.T) *pmServer {
	s := &pmServer{t: t, ags: "05562032", procedure: "Serviceportal", salt: "pm-salt-recklinghausen", txs: map[string]*pmTx{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /payment/secure", s.secure)
	mux.HandleFunc("GET /payment/status/{ags}/{txid}", s.status)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *pmServer) config() payment.PmPaymentConfig {
	return payment.PmPaymentConfig{BaseURL: s.srv.URL, AGS: s.ags, Procedure: s.procedure, Salt: s.salt}
}

func (s *pmServer) secure(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, `{"Error":"bad form"}`, http.StatusBadRequest)
		return
	}
	f := r.PostForm
	for _, k := range []string{"ags", "amount", "procedure", "desc", "notifyURL", "redirectURL", "hash"} {
		if f.Get(k) == "" {
			http.Error(w, `{"Error":"missing `+k+`"}`, http.StatusBadRequest)
			return
		}
	}
	signed := url.Values{}
	for k, v := range f {
		if k != "hash" {
			signed[k] = v
		}
	}
	if f.Get("hash") != payment.PmHash(s.salt, signed, payment.PmStartFields()) {
		http.Error(w, `{"Error":"hash"}`, http.StatusBadRequest)
		return
	}
	if f.Get("ags") != s.ags || f.Get("procedure") != s.procedure || !sepaRe.MatchString(f.Get("desc")) {
		http.Error(w, `{"Error":"merchant, procedure or desc"}`, http.StatusBadRequest)
		return
	}
	if n, err := strconv.ParseInt(f.Get("amount"), 10, 64); err != nil || n <= 0 {
		http.Error(w, `{"Error":"amount"}`, http.StatusBadRequest)
		return
	}
	txid := f.Get("txid")
	if txid == "" {
		txid = fmt.Sprintf("%s.%d", s.procedure, time.Now().UnixNano())
	}
	s.mu.Lock()
	s.txs[txid] = &pmTx{start: f, status: -1}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]string{"url": s.srv.URL + "/paypage/" + txid, "txid": txid})
}

func (s *pmServer) status(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tx, ok := s.txs[r.PathValue("txid")]
	s.mu.Unlock()
	if !ok || r.PathValue("ags") != s.ags {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"status": tx.status, "timestamp": time.Now().Format("2006-01-02 15:04:05")})
}

// finish is the citizen paying (1) or failing (0) on the pay page.
func (s *pmServer) finish(txid string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.txs[txid]
	if tx == nil {
		s.t.Fatalf("pmPayment: no transaction %s", txid)
	}
	tx.status, tx.method = status, "creditCard"
}

// notification is the form pmPayment posts to notifyURL, signed.
func (s *pmServer) notification(txid string) (string, url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := s.txs[txid]
	f := url.Values{"ags": {s.ags}, "txid": {txid}, "amount": {tx.start.Get("amount")}, "desc": {tx.start.Get("desc")},
		"status": {strconv.Itoa(tx.status)}, "payment_method": {tx.method}, "procedure": {s.procedure},
		"created_at": {time.Now().Format("2006-01-02 15:04:05")}}
	f.Set("hash", payment.PmHash(s.salt, f, payment.PmNotifyFields()))
	return tx.start.Get("notifyURL"), f
}

// post sends a notification form as pmPayment does and returns the
// portal's answer.
func post(t *testing.T, notifyURL string, f url.Values) int {
	t.Helper()
	resp, err := http.Post(notifyURL, "application/x-www-form-urlencoded", strings.NewReader(f.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
