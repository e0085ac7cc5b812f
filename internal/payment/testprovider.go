package payment

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// TestProvider is the demo's provider, labelled "Testzahlung" everywhere.
// It runs the same flow as a real one: the citizen is redirected to a pay
// page (served by the portal at {base}/testzahlung/{id}), chooses
// "Bezahlen" or "Abbrechen", the provider sends a signed notification and
// the citizen returns. Its books live in their own table, so its status
// check is a second source as a real provider's is. No money moves.
type TestProvider struct {
	db  *store.DB
	key []byte
	now func() time.Time
}

// TestName is the test provider's name.
const TestName = "test"

// NewTestProvider returns the test provider; key signs its notifications
// (derive it from the master key so that every instance agrees).
func NewTestProvider(db *store.DB, key []byte) *TestProvider {
	return &TestProvider{db: db, key: key, now: func() time.Time { return time.Now().UTC() }}
}

// Name implements Provider.
func (t *TestProvider) Name() string { return TestName }

// Label implements Provider.
func (t *TestProvider) Label() string { return "Testzahlung" }

// TestTransaction is what the test provider knows about a payment.
type TestTransaction struct {
	ID            string
	TenantID      string
	PaymentID     string
	AmountCents   int64
	Currency      string
	Purpose       string
	Kassenzeichen string
	Status        Status
	ReturnURL     string
}

// Start implements Provider.
func (t *TestProvider) Start(ctx context.Context, p Payment, req StartRequest) (string, string, error) {
	id := store.NewID()
	now := t.now()
	_, err := t.db.Exec(ctx, `INSERT INTO payment_test_transactions (id, tenant_id, payment_id, amount_cents, currency, purpose,
		kassenzeichen, status, return_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, p.TenantID, p.ID, p.AmountCents, p.Currency, p.SEPAPurpose(), p.Kassenzeichen, string(StatusInitial), req.ReturnURL, now, now)
	if err != nil {
		return "", "", fmt.Errorf("payment: test provider: %w", err)
	}
	return req.PortalBase + "/testzahlung/" + id, id, nil
}

// Transaction returns one of the provider's transactions for the pay page.
func (t *TestProvider) Transaction(ctx context.Context, tenantID, id string) (TestTransaction, error) {
	var tx TestTransaction
	err := t.db.QueryRow(ctx, `SELECT id, tenant_id, payment_id, amount_cents, currency, purpose, kassenzeichen, status, return_url
		FROM payment_test_transactions WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(
		&tx.ID, &tx.TenantID, &tx.PaymentID, &tx.AmountCents, &tx.Currency, &tx.Purpose, &tx.Kassenzeichen, &tx.Status, &tx.ReturnURL)
	if errors.Is(err, sql.ErrNoRows) {
		return tx, fmt.Errorf("payment: test transaction %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return tx, fmt.Errorf("payment: test transaction: %w", err)
	}
	return tx, nil
}

// complete books the citizen's choice (once; a second click changes
// nothing) and returns the signed notification the provider sends.
func (t *TestProvider) complete(ctx context.Context, tenantID, id string, pay bool) (TestTransaction, Notification, error) {
	to := StatusCanceled
	if pay {
		to = StatusPayed
	}
	if _, err := t.db.Exec(ctx, `UPDATE payment_test_transactions SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND status = ?`,
		string(to), t.now(), tenantID, id, string(StatusInitial)); err != nil {
		return TestTransaction{}, Notification{}, fmt.Errorf("payment: test provider: %w", err)
	}
	tx, err := t.Transaction(ctx, tenantID, id)
	if err != nil {
		return tx, Notification{}, err
	}
	form := url.Values{"txid": {tx.ID}, "status": {string(tx.Status)}, "amount": {strconv.FormatInt(tx.AmountCents, 10)}, "currency": {tx.Currency}}
	form.Set("sig", t.sign(form))
	return tx, Notification{Query: url.Values{"ref": {tx.PaymentID}}, Form: form}, nil
}

func (t *TestProvider) sign(f url.Values) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(f.Get("txid") + "|" + f.Get("status") + "|" + f.Get("amount") + "|" + f.Get("currency")))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyNotification implements Provider: the HMAC must match.
func (t *TestProvider) VerifyNotification(ctx context.Context, p Payment, n Notification) (Result, error) {
	f := n.Form
	if !hmac.Equal([]byte(t.sign(f)), []byte(f.Get("sig"))) {
		return Result{}, fmt.Errorf("%w: bad signature", ErrRejected)
	}
	amount, err := strconv.ParseInt(f.Get("amount"), 10, 64)
	if err != nil {
		return Result{}, fmt.Errorf("%w: bad amount", ErrRejected)
	}
	return Result{ProviderRef: f.Get("txid"), Status: Status(f.Get("status")), AmountCents: amount, Currency: f.Get("currency"),
		Method: "OTHER", Detail: "Testzahlung"}, nil
}

// Status implements Provider.
func (t *TestProvider) Status(ctx context.Context, p Payment) (Result, error) {
	tx, err := t.Transaction(ctx, p.TenantID, p.ProviderRef)
	if err != nil {
		return Result{}, err
	}
	return Result{ProviderRef: tx.ID, Status: tx.Status, AmountCents: tx.AmountCents, Currency: tx.Currency, Method: "OTHER", Detail: "Testzahlung"}, nil
}

// CompleteTest is the test pay page's button: the citizen pays (or
// cancels) at the test provider, which then notifies the portal as a real
// provider would; notify=false loses the notification, to show that the
// status check on return recovers it. It returns where to send the
// citizen back.
func (s *Service) CompleteTest(ctx context.Context, tenantID, txID string, pay, notify bool) (string, error) {
	tp := s.Test()
	if tp == nil {
		return "", fmt.Errorf("payment: test provider: %w", store.ErrNotFound)
	}
	tx, n, err := tp.complete(ctx, tenantID, txID, pay)
	if err != nil {
		return "", err
	}
	if notify {
		if _, err := s.HandleNotification(ctx, tenantID, TestName, n); err != nil {
			return "", err
		}
	}
	return tx.ReturnURL, nil
}
