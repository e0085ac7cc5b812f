package backend

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// Page sizes of List.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// MaxMessageLength bounds the message a back-end system leaves for the
// citizen (characters).
const MaxMessageLength = 2000

// List returns the client's applications after pos, in the order they
// committed, and the position to continue from. Only the client's tenant
// and services are read. A system that keeps following the position
// misses no application, even one that committed after a later-submitted
// one (see submission.Since).
func (s *Service) List(ctx context.Context, c Client, pos submission.After, limit int) ([]submission.Summary, submission.After, error) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	return s.opts.Submissions.Since(ctx, c.TenantID, c.scope(), pos, limit)
}

// Submission returns one application with its answers and files, if it is
// the client's; another tenant's or service's looks missing. Every read is
// recorded in the audit log, because it hands citizen data out.
func (s *Service) Submission(ctx context.Context, c Client, id string) (submission.Submission, error) {
	sub, err := s.scoped(ctx, c, id)
	if err != nil {
		return sub, err
	}
	err = s.record(ctx, c.TenantID, clientActor(c), "backend.submission_read", "submission:"+sub.ID,
		map[string]string{"tracking_number": sub.TrackingNumber})
	return sub, err
}

func (s *Service) scoped(ctx context.Context, c Client, id string) (submission.Submission, error) {
	sub, err := s.opts.Submissions.Submission(ctx, c.TenantID, id)
	if err != nil {
		return sub, err
	}
	if sub.TenantID != c.TenantID || !c.Sees(sub.ServiceID) {
		return submission.Submission{}, store.ErrNotFound
	}
	return sub, nil
}

// Attachment returns a file of one of the client's applications.
func (s *Service) Attachment(ctx context.Context, c Client, submissionID, attachmentID string) (submission.Attachment, error) {
	sub, err := s.scoped(ctx, c, submissionID)
	if err != nil {
		return submission.Attachment{}, err
	}
	for _, a := range sub.Attachments {
		if a.ID == attachmentID {
			err := s.record(ctx, c.TenantID, clientActor(c), "backend.attachment_read", "attachment:"+a.ID,
				map[string]string{"submission": sub.ID, "sha512": a.SHA512})
			return a, err
		}
	}
	return submission.Attachment{}, store.ErrNotFound
}

// WriteAttachment streams a file found with Attachment, checking its hash.
func (s *Service) WriteAttachment(ctx context.Context, w io.Writer, a submission.Attachment) error {
	return s.opts.Submissions.WriteAttachment(ctx, w, a)
}

// MessageError says what is wrong with a report's message.
type MessageError struct{ Message string }

// Error says what is wrong with the message.
func (e *MessageError) Error() string { return "backend: message: " + e.Message }

// Report records what the back-end system did with an application: the
// citizen's timeline shows the status (in the words of the status page)
// with the message, and the audit log names the client.
//
// The back-office case is not moved: the standard workflow lets only
// caseworkers start the review or decide (a decision needs the Bescheid as
// a document), and a system that works the case in its own Fachverfahren
// has no caseworker in the portal. The timeline is what the citizen sees.
func (s *Service) Report(ctx context.Context, c Client, submissionID string, st Status, message string) error {
	if !st.Valid() {
		return fmt.Errorf("%w: %q", ErrInvalidStatus, st)
	}
	message = strings.TrimSpace(message)
	if utf8.RuneCountInString(message) > MaxMessageLength {
		return &MessageError{fmt.Sprintf("Die Nachricht ist länger als %d Zeichen.", MaxMessageLength)}
	}
	note := message
	if note == "" {
		note = citizenStatus[st].note
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		sub, err := s.scoped(ctx, c, submissionID)
		if err != nil {
			return err
		}
		if err := s.opts.Submissions.AddEvent(ctx, c.TenantID, sub.ID, st.CitizenStatus(), note); err != nil {
			return err
		}
		return s.record(ctx, c.TenantID, clientActor(c), "backend.status_reported", "submission:"+sub.ID,
			map[string]string{"status": string(st), "tracking_number": sub.TrackingNumber, "message": message})
	})
}

func clientActor(c Client) string { return "backend_client:" + c.ID }
