// Package mailbox is the per-application postbox between citizen and
// authority: document requests, the authority's messages, the citizen's
// replies with uploads, and the notice that the Bescheid is ready. Message
// bodies are sealed like the application itself; e-mails only announce
// that something is waiting, with a link.
package mailbox

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/serviceportal/serviceportal/internal/keyring"
	"github.com/serviceportal/serviceportal/internal/store"
)

// Directions of a message.
const (
	ToCitizen   = "to_citizen"
	ToAuthority = "to_authority"
)

// Message is one postbox entry.
type Message struct {
	ID            string
	TenantID      string
	SubmissionID  string
	Direction     string
	Author        string
	Subject       string
	Body          string
	AttachmentIDs []string
	CreatedAt     time.Time
	ReadAt        *time.Time
}

// Mailbox stores messages.
type Mailbox struct {
	db   *store.DB
	keys *keyring.Keyring
	// Notify runs inside the posting transaction for messages to the
	// citizen, e.g. to queue the e-mail notice.
	Notify func(ctx context.Context, m Message) error
	now    func() time.Time
}

// New returns the mailbox.
func New(db *store.DB, keys *keyring.Keyring) *Mailbox {
	return &Mailbox{db: db, keys: keys, now: func() time.Time { return time.Now().UTC() }}
}

// Post stores a message (inside the context's transaction, if any) and, for
// messages to the citizen, runs Notify.
func (b *Mailbox) Post(ctx context.Context, m Message) (Message, error) {
	m.ID, m.CreatedAt = store.NewID(), b.now()
	if m.AttachmentIDs == nil {
		m.AttachmentIDs = []string{}
	}
	ids, _ := json.Marshal(m.AttachmentIDs)
	body, err := b.keys.Seal(ctx, m.TenantID, []byte(m.Body), "message:"+m.ID)
	if err != nil {
		return m, err
	}
	err = b.db.InTx(ctx, func(ctx context.Context) error {
		if _, err := b.db.Exec(ctx, `INSERT INTO messages (id, tenant_id, submission_id, direction, author, subject, body, attachment_ids, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.TenantID, m.SubmissionID, m.Direction, m.Author, m.Subject,
			body, string(ids), m.CreatedAt); err != nil {
			return fmt.Errorf("mailbox: post: %w", err)
		}
		if m.Direction == ToCitizen && b.Notify != nil {
			return b.Notify(ctx, m)
		}
		return nil
	})
	return m, err
}

// List returns an application's messages, oldest first.
func (b *Mailbox) List(ctx context.Context, tenantID, submissionID string) ([]Message, error) {
	rows, err := b.db.Query(ctx, `SELECT id, direction, author, subject, body, attachment_ids, created_at, read_at FROM messages
		WHERE tenant_id = ? AND submission_id = ? ORDER BY created_at, id`, tenantID, submissionID)
	if err != nil {
		return nil, fmt.Errorf("mailbox: list: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m := Message{TenantID: tenantID, SubmissionID: submissionID}
		var body []byte
		var ids string
		if err := rows.Scan(&m.ID, &m.Direction, &m.Author, &m.Subject, &body, &ids, &m.CreatedAt, &m.ReadAt); err != nil {
			return nil, err
		}
		plain, err := b.keys.Open(ctx, tenantID, body, "message:"+m.ID)
		if err != nil {
			return nil, err
		}
		m.Body = string(plain)
		json.Unmarshal([]byte(ids), &m.AttachmentIDs)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkRead records that the recipient opened the messages of a direction.
func (b *Mailbox) MarkRead(ctx context.Context, tenantID, submissionID, direction string) error {
	_, err := b.db.Exec(ctx, `UPDATE messages SET read_at = ? WHERE tenant_id = ? AND submission_id = ? AND direction = ? AND read_at IS NULL`,
		b.now(), tenantID, submissionID, direction)
	return err
}
