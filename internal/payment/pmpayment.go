package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// pmPayment (GovConnect) as NRW municipalities use it. No official
// specification is public (standards.md §12); the protocol follows
// standards.md §6.2 and two open-source clients seen there: the booking
// software quoted in §6.2 and Koha's pmPayment paypage client
// (opac-account-pay.pl, opac-account-pay-pmpayment-notify.pl):
//
//  1. POST {base}/payment/secure, form-encoded: ags, amount (cents),
//     procedure, desc (SEPA, ≤27), accountingRecord, txid, notifyURL,
//     redirectURL and hash = hex(HMAC-SHA256(salt, the values joined by
//     "|" in exactly that order)). accountingRecord and txid are optional;
//     the booking software leaves both out and hashes the remaining six,
//     Koha sends both and hashes all eight. We send both, so the txid is
//     ours and known before any notification. Answer: {"url", "txid"}.
//  2. After payment a form POST to notifyURL: ags, txid, amount, desc,
//     status, payment_method, procedure, created_at (Koha notes that no
//     hash came with it; if one does, it is checked over those eight
//     values in that order). The notification is not trusted: the status
//     is confirmed with GET {base}/payment/status/{ags}/{txid} →
//     {"status": 1 paid | 0 failed | -1 in progress, "timestamp"}.
//  3. The citizen returns to redirectURL.

// PmPaymentConfig configures one merchant (one tenant) at pmPayment.
type PmPaymentConfig struct {
	// BaseURL is https://payment.govconnect.de (test:
	// https://payment-test.govconnect.de).
	BaseURL string
	// AGS is the merchant: the tenant's Amtlicher Gemeindeschlüssel.
	AGS string
	// Procedure is the Verfahren the municipality registered.
	Procedure string
	// Salt is the shared HMAC secret.
	Salt string
	// HTTPClient defaults to a client with a 15 s timeout.
	HTTPClient *http.Client
}

// PmPayment is the pmPayment adapter.
type PmPayment struct {
	cfg    PmPaymentConfig
	client *http.Client
}

// NewPmPayment returns the adapter for one merchant.
func NewPmPayment(cfg PmPaymentConfig) *PmPayment {
	c := cfg.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &PmPayment{cfg: cfg, client: c}
}

// Name implements Provider.
func (m *PmPayment) Name() string { return "pmpayment" }

// Label implements Provider.
func (m *PmPayment) Label() string { return "pmPayment" }

// pmStartFields and pmNotifyFields are the hashed fields in their order.
var (
	pmStartFields  = []string{"ags", "amount", "procedure", "desc", "accountingRecord", "txid", "notifyURL", "redirectURL"}
	pmNotifyFields = []string{"ags", "txid", "amount", "desc", "status", "payment_method", "procedure", "created_at"}
)

// PmHash is pmPayment's signature over the fields present in f, in the
// documented order, joined by "|".
func PmHash(salt string, f url.Values, order []string) string {
	var parts []string
	for _, k := range order {
		if _, ok := f[k]; ok {
			parts = append(parts, f.Get(k))
		}
	}
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(mac.Sum(nil))
}

// PmStartFields is the order of the start request's hashed fields (for
// protocol test servers).
func PmStartFields() []string { return append([]string(nil), pmStartFields...) }

// PmNotifyFields is the order of the notification's hashed fields.
func PmNotifyFields() []string { return append([]string(nil), pmNotifyFields...) }

// Start implements Provider.
func (m *PmPayment) Start(ctx context.Context, p Payment, req StartRequest) (string, string, error) {
	f := url.Values{
		"ags": {m.cfg.AGS}, "amount": {strconv.FormatInt(p.AmountCents, 10)}, "procedure": {m.cfg.Procedure},
		"desc": {p.SEPAPurpose()}, "accountingRecord": {SEPAText(p.Kassenzeichen, 36)}, "txid": {p.ID},
		"notifyURL": {req.NotifyURL}, "redirectURL": {req.ReturnURL},
	}
	f.Set("hash", PmHash(m.cfg.Salt, f, pmStartFields))
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, m.cfg.BaseURL+"/payment/secure", strings.NewReader(f.Encode()))
	if err != nil {
		return "", "", err
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hreq.Header.Set("Accept", "application/json")
	var out struct {
		URL   string `json:"url"`
		TxID  string `json:"txid"`
		Error string `json:"Error"`
	}
	if err := m.do(hreq, &out); err != nil {
		return "", "", err
	}
	if out.URL == "" {
		return "", "", fmt.Errorf("pmPayment gave no pay page URL: %s", out.Error)
	}
	if out.TxID == "" {
		out.TxID = p.ID
	}
	return out.URL, out.TxID, nil
}

// VerifyNotification implements Provider: merchant, transaction, amount
// and (if sent) the hash are checked, then the status check decides.
func (m *PmPayment) VerifyNotification(ctx context.Context, p Payment, n Notification) (Result, error) {
	f := n.Form
	if f.Get("ags") != m.cfg.AGS {
		return Result{}, fmt.Errorf("%w: merchant %q", ErrRejected, f.Get("ags"))
	}
	if h := f.Get("hash"); h != "" && !hmac.Equal([]byte(h), []byte(PmHash(m.cfg.Salt, f, pmNotifyFields))) {
		return Result{}, fmt.Errorf("%w: bad hash", ErrRejected)
	}
	if f.Get("txid") == "" || (p.ProviderRef != "" && f.Get("txid") != p.ProviderRef) {
		return Result{}, fmt.Errorf("%w: transaction %q", ErrRejected, f.Get("txid"))
	}
	var amount int64
	if a := f.Get("amount"); a != "" {
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return Result{}, fmt.Errorf("%w: amount %q", ErrRejected, a)
		}
		if v != p.AmountCents {
			return Result{}, fmt.Errorf("%w: amount %d, expected %d", ErrRejected, v, p.AmountCents)
		}
		amount = v
	}
	res, err := m.status(ctx, f.Get("txid"))
	if err != nil {
		return Result{}, err
	}
	res.AmountCents, res.Method = amount, xbMethod(f.Get("payment_method"))
	return res, nil
}

// Status implements Provider. pmPayment's status answer carries no
// amount; the amount is bound by the start request's hash.
func (m *PmPayment) Status(ctx context.Context, p Payment) (Result, error) {
	ref := p.ProviderRef
	if ref == "" {
		ref = p.ID
	}
	return m.status(ctx, ref)
}

func (m *PmPayment) status(ctx context.Context, txid string) (Result, error) {
	u := m.cfg.BaseURL + "/payment/status/" + url.PathEscape(m.cfg.AGS) + "/" + url.PathEscape(txid)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Result{}, err
	}
	hreq.Header.Set("Accept", "application/json")
	var out struct {
		Status    json.RawMessage `json:"status"`
		Timestamp string          `json:"timestamp"`
	}
	if err := m.do(hreq, &out); err != nil {
		return Result{}, err
	}
	res := Result{ProviderRef: txid, Detail: "pmPayment status " + strings.Trim(string(out.Status), `"`)}
	switch strings.Trim(string(out.Status), `"`) {
	case "1":
		res.Status = StatusPayed
	case "0":
		res.Status = StatusFailed
	case "-1", "", "null":
		res.Status = StatusInitial
	default:
		return Result{}, fmt.Errorf("%w: pmPayment status %s", ErrRejected, out.Status)
	}
	return res, nil
}

func (m *PmPayment) do(req *http.Request, out any) error {
	resp, err := m.client.Do(req)
	if err != nil {
		return fmt.Errorf("pmPayment: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("pmPayment: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("pmPayment: %s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("pmPayment: answer: %w", err)
	}
	return nil
}
