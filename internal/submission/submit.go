package submission

import (
	"cmp"
	"context"
	"crypto/sha512"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
)

// Status values of a submission as the citizen sees them. The back office
// maps its workflow states onto these.
const (
	StatusReceived = "eingegangen"
)

// Submission is a submitted application.
type Submission struct {
	ID             string
	TenantID       string
	ServiceID      string
	FormID         string
	FormVersion    string
	AccountID      string
	TrackingNumber string
	Status         string
	SubmittedAt    time.Time
	ContactEmail   string
	// Values are the answers keyed by field ID; nil after retention
	// deleted the payload.
	Values        map[string]any
	PayloadSHA512 string
	Attachments   []Attachment
}

// Input is what a citizen submits.
type Input struct {
	TenantID    string
	TenantCode  string // prefix of the tracking number, e.g. DOR
	ServiceID   string
	FormID      string
	FormVersion string
	AccountID   string
	Values      map[string]any
	// DraftID, if set, hands the draft's attachments to the submission and
	// deletes the draft in the same transaction.
	DraftID string
	// Files, if set, are the files sent with the application; their rows
	// are written in the submission's transaction (or their draft handed
	// over, see Files).
	Files *Files
	// IdempotencyKey makes repeats of one intent return the first result.
	IdempotencyKey string
	ContactEmail   string
	// Actor names who submitted, for the audit log.
	Actor string
}

// Result is a stored submission and the secret of its status link.
type Result struct {
	Submission  Submission
	StatusToken string
	// Created is false when the idempotency key had been used: the result
	// is the original submission.
	Created bool
}

// ErrNoIdempotencyKey means Submit was called without a key.
var ErrNoIdempotencyKey = errors.New("submission: idempotency key required")

// Submit stores the application, its attachments, the first status event,
// an audit event and whatever the hooks add, all in one transaction. A
// repeated key returns the original submission instead of a second one.
//
// Everything that needs no transaction (encoding, hashing, sealing, the
// preparers' reads) happens before it: on SQLite the transaction holds the
// region's one writer, and each microsecond there is one every other
// applicant waits for.
func (s *Service) Submit(ctx context.Context, in Input) (Result, error) {
	if strings.TrimSpace(in.IdempotencyKey) == "" || len(in.IdempotencyKey) > 200 {
		return Result{}, ErrNoIdempotencyKey
	}
	if in.Files != nil && in.Files.draftID != "" && in.DraftID == "" {
		in.DraftID = in.Files.draftID
	}
	claimFirst := false
	var p prepared
	var err error
	if _, inTx := store.TxFromContext(ctx); s.db.Dialect() == store.Postgres && !inTx {
		// See nextTrackingNumber: on PostgreSQL the number is claimed
		// before the transaction, in the statement that looks the key up;
		// a repeat claims none. The look-up runs beside the preparation
		// (sealing, the preparers' reads), each a round trip to the
		// server: a repeat then wastes the preparation, which writes
		// nothing, and a new application waits for one round trip
		// instead of three.
		now := s.now()
		claimed := make(chan claim, 1)
		go func() {
			var c claim
			c.id, c.number, c.err = s.existingOrClaim(ctx, in, now)
			claimed <- c
		}()
		p, err = s.prepare(ctx, in)
		c := <-claimed
		if c.err != nil || c.id != "" {
			return s.replayOrErr(ctx, in.TenantID, c.id, c.err)
		}
		// The number's year is the submission's.
		p.sub.TrackingNumber, p.sub.SubmittedAt = c.number, now
		claimFirst = true
	} else {
		p, err = s.prepare(ctx, in)
	}
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = s.db.InTx(ctx, func(ctx context.Context) error {
		// On PostgreSQL the key was looked up a moment ago (claimFirst);
		// a repeat that commits in between trips the unique index, and
		// is answered below. Looking again would cost a round trip on
		// every submission for the rare race.
		if !claimFirst {
			id, err := s.existingID(ctx, in.TenantID, in.IdempotencyKey)
			if err != nil || id != "" {
				res, err = s.replayOrErr(ctx, in.TenantID, id, err)
				return err
			}
		}
		var err error
		res, err = s.create(ctx, in, p)
		return err
	})
	if err != nil && isUniqueViolation(err) {
		// A concurrent request with the same key won; answer with its result.
		if id, qerr := s.existingID(ctx, in.TenantID, in.IdempotencyKey); qerr == nil && id != "" {
			return s.replay(ctx, in.TenantID, id)
		}
	}
	return res, err
}

// existingID is the submission made earlier with the idempotency key, or
// "" if there is none.
func (s *Service) existingID(ctx context.Context, tenantID, key string) (string, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT id FROM submissions WHERE tenant_id = ? AND idempotency_key = ?`, tenantID, key).Scan(&id)
	if errors.Is(err, sqlNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("submission: idempotency: %w", err)
	}
	return id, nil
}

// replayOrErr answers with the earlier submission id, or with err.
func (s *Service) replayOrErr(ctx context.Context, tenantID, id string, err error) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	return s.replay(ctx, tenantID, id)
}

func (s *Service) replay(ctx context.Context, tenantID, id string) (Result, error) {
	sub, err := s.Submission(ctx, tenantID, id)
	if err != nil {
		return Result{}, err
	}
	token, err := s.statusToken(ctx, tenantID, id)
	return Result{Submission: sub, StatusToken: token}, err
}

// prepared is a submission made ready outside the transaction.
type prepared struct {
	sub         Submission
	payload     []byte // sealed answers
	token, hash string // status link secret and its stored hash
	sealedToken []byte
	writes      []Prepared
}

func (s *Service) prepare(ctx context.Context, in Input) (prepared, error) {
	p := prepared{sub: Submission{ID: store.NewID(), TenantID: in.TenantID, ServiceID: in.ServiceID, FormID: in.FormID,
		FormVersion: in.FormVersion, AccountID: in.AccountID, Status: StatusReceived, SubmittedAt: s.now(),
		ContactEmail: in.ContactEmail, Values: in.Values}}
	plain, err := json.Marshal(in.Values)
	if err != nil {
		return p, fmt.Errorf("submission: encode: %w", err)
	}
	sum := sha512.Sum512(plain)
	p.sub.PayloadSHA512 = hex.EncodeToString(sum[:])
	if p.payload, err = s.keys.Seal(ctx, in.TenantID, plain, "submission:"+p.sub.ID); err != nil {
		return p, err
	}
	p.token, p.hash = newSecret()
	if p.sealedToken, err = s.keys.Seal(ctx, in.TenantID, []byte(p.token), "status-token:"+p.sub.ID); err != nil {
		return p, err
	}
	p.writes, err = s.runPreparers(ctx, in)
	return p, err
}

// runPreparers returns the preparers' writes in the preparers' order. On
// PostgreSQL they run side by side: their reads are round trips to the
// server, on SQLite they are in process and cheap.
func (s *Service) runPreparers(ctx context.Context, in Input) ([]Prepared, error) {
	ws := make([]Prepared, len(s.preps))
	errs := make([]error, len(s.preps))
	if s.db.Dialect() == store.Postgres && len(s.preps) > 1 {
		var wg sync.WaitGroup
		for i, prep := range s.preps {
			wg.Go(func() { ws[i], errs[i] = prep(ctx, in) })
		}
		wg.Wait()
	} else {
		for i, prep := range s.preps {
			if ws[i], errs[i] = prep(ctx, in); errs[i] != nil {
				break
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ws, func(w Prepared) bool { return w == nil }), nil
}

// moveDraftFiles hands a draft's files to its submission. It must find
// them through the partial index attachments_draft (migration 0022).
const moveDraftFiles = `UPDATE attachments SET submission_id = ?, draft_id = NULL WHERE tenant_id = ? AND draft_id = ?`

func (s *Service) create(ctx context.Context, in Input, p prepared) (Result, error) {
	sub := p.sub
	var err error
	if sub.TrackingNumber == "" {
		if sub.TrackingNumber, err = s.nextTrackingNumber(ctx, in.TenantID, in.TenantCode, sub.SubmittedAt); err != nil {
			return Result{}, err
		}
	}
	// Not deferred like the transaction's other writes: a repeat that
	// raced its original must stop here, at the unique index, before any
	// hook runs for it.
	if _, err := s.db.Exec(ctx, `INSERT INTO submissions (id, tenant_id, service_id, form_id, form_version, account_id, tracking_number,
		idempotency_key, status_hash, status_token, status, payload, payload_sha512, contact_email, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.ID, sub.TenantID, sub.ServiceID, sub.FormID, sub.FormVersion, nullString(sub.AccountID), sub.TrackingNumber,
		in.IdempotencyKey, p.hash, p.sealedToken, sub.Status, p.payload, sub.PayloadSHA512, sub.ContactEmail, sub.SubmittedAt); err != nil {
		return Result{}, fmt.Errorf("submission: insert: %w", err)
	}
	if in.DraftID != "" {
		if _, err := s.db.Exec(ctx, moveDraftFiles, sub.ID, in.TenantID, in.DraftID); err != nil {
			return Result{}, fmt.Errorf("submission: move attachments: %w", err)
		}
		if err := s.DeleteDraft(ctx, in.TenantID, in.DraftID); err != nil {
			return Result{}, fmt.Errorf("submission: delete draft: %w", err)
		}
		// Only a draft brings files: a new submission has none of its own.
		if sub.Attachments, err = s.SubmissionAttachments(ctx, in.TenantID, sub.ID); err != nil {
			return Result{}, err
		}
	}
	if in.Files != nil && len(in.Files.staged) > 0 {
		staged, err := in.Files.insertStaged(ctx, sub.ID)
		if err != nil {
			return Result{}, err
		}
		// In the listing's order (SubmissionAttachments), whichever way
		// each file came.
		sub.Attachments = append(sub.Attachments, staged...)
		slices.SortStableFunc(sub.Attachments, func(a, b Attachment) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
		})
	}
	if err := s.addEvent(ctx, sub.TenantID, sub.ID, StatusReceived, "Ihr Antrag ist eingegangen."); err != nil {
		return Result{}, err
	}
	for _, h := range s.hooks {
		if err := h(ctx, sub); err != nil {
			return Result{}, err
		}
	}
	res := Result{Submission: sub, StatusToken: p.token, Created: true}
	for _, w := range p.writes {
		if err := w(ctx, res); err != nil {
			return Result{}, err
		}
	}
	// Recording the audit event takes no lock: the sealer chains it after
	// commit (see audit.Record).
	actor := in.Actor
	if actor == "" {
		actor = "citizen:anonymous"
	}
	if err := s.audit.Record(ctx, sub.TenantID, actor, "submission.created", "submission:"+sub.ID,
		map[string]string{"tracking_number": sub.TrackingNumber, "payload_sha512": sub.PayloadSHA512}); err != nil {
		return Result{}, err
	}
	return res, nil
}

// nextTrackingNumber counts per tenant and year: DOR-2026-000001. Numbers
// never repeat.
//
// On SQLite the counter moves inside the submit transaction, so numbers
// are gapless for committed submissions; the one writer serialises
// submissions anyway. On PostgreSQL the counter row would stay locked until
// the submission commits, and every other submission of the tenant would
// wait for it: there Submit claims the number before its transaction
// (existingOrClaim, unless its caller already holds a transaction), and a
// submission that fails afterwards, or a repeat that raced its original,
// leaves a gap.
func (s *Service) nextTrackingNumber(ctx context.Context, tenantID, code string, now time.Time) (string, error) {
	year := now.In(berlin).Year()
	// One statement claims the number: it creates the year's counter or
	// counts it up, and on PostgreSQL locks the row until commit.
	var n int64
	err := s.db.QueryRow(ctx, `INSERT INTO tracking_counters (tenant_id, year, last) VALUES (?, ?, 1)`+countUp, tenantID, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("submission: tracking number: %w", err)
	}
	return trackingNumber(code, year, n), nil
}

func trackingNumber(code string, year int, n int64) string {
	if code == "" {
		code = "SP"
	}
	return fmt.Sprintf("%s-%d-%06d", code, year, n)
}

// claim is what existingOrClaim found.
type claim struct {
	id, number string
	err        error
}

const countUp = ` ON CONFLICT (tenant_id, year) DO UPDATE SET last = tracking_counters.last + 1 RETURNING last`

// existingOrClaim is PostgreSQL's first step of Submit in one round trip:
// the submission made earlier with the key, or else a newly claimed
// tracking number for now's year (see nextTrackingNumber). A repeat
// claims nothing: the claim's source row is filtered out when the key
// exists.
//
// The claim is a transaction of its own, and it commits without waiting
// for its log flush, so the counter row is free again at once instead of
// after an fsync. This loses nothing: only the submission that follows
// uses the number, and its own durable commit flushes PostgreSQL's log up
// to and past the claim, as the log is written in order. Should the
// server fail before, claim and submission are lost together, and the
// number, which no receipt shows, is handed out again. The setting
// travels in the statement itself: BEGIN, SET LOCAL and COMMIT as
// statements of their own would hold the row across two more round trips.
func (s *Service) existingOrClaim(ctx context.Context, in Input, now time.Time) (id, number string, err error) {
	year := now.In(berlin).Year()
	var existing sql.NullString
	var n sql.NullInt64
	err = s.db.QueryRow(ctx, `WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
		existing AS (SELECT id FROM submissions WHERE tenant_id = ? AND idempotency_key = ?),
		claim AS (INSERT INTO tracking_counters (tenant_id, year, last)
			SELECT ?, ?, 1 FROM async WHERE NOT EXISTS (SELECT 1 FROM existing)`+countUp+`)
		SELECT (SELECT id FROM existing), (SELECT last FROM claim)`,
		in.TenantID, in.IdempotencyKey, in.TenantID, year).Scan(&existing, &n)
	switch {
	case err != nil:
		return "", "", fmt.Errorf("submission: idempotency and tracking number: %w", err)
	case existing.Valid:
		return existing.String, "", nil
	case !n.Valid:
		return "", "", errors.New("submission: no tracking number claimed")
	}
	return "", trackingNumber(in.TenantCode, year, n.Int64), nil
}

var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("MEZ", 3600)
	}
	return loc
}()

func isUniqueViolation(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unique constraint") || strings.Contains(msg, "duplicate key") || strings.Contains(msg, "23505")
}

// ByIdempotencyKey returns the submission made with key, with its status
// token, so a repeated final click finds the receipt of the first one.
func (s *Service) ByIdempotencyKey(ctx context.Context, tenantID, key string) (Result, error) {
	id, err := s.existingID(ctx, tenantID, key)
	if err == nil && id == "" {
		err = store.ErrNotFound
	}
	return s.replayOrErr(ctx, tenantID, id, err)
}

// ResumeKey is the idempotency key of the submission made from the draft
// with this resume token.
func ResumeKey(resumeToken string) string { return "resume:" + hashSecret(resumeToken) }
