package delivery

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// A webhook carries files inline up to its limit; above it a receiver
// would get only their descriptions. So every file's description carries
// a link that the receiver fetches with a plain GET, without an account:
// the link is a capability, signed (HMAC-SHA512 under a key derived from
// the master key) over tenant, delivery, file and expiry. It names the
// delivery, not only the file, so a file is served only as part of an
// application that went to a receiver, and each fetch is recorded against
// that delivery. It expires, so a link kept in a receiver's logs opens
// nothing for long; a retried attempt carries fresh links.

// DefaultFileLinkTTL is how long a file link opens its file: long enough
// for a receiver that processes its queue after a weekend.
const DefaultFileLinkTTL = 72 * time.Hour

// ErrFileLink means a file link was altered, made for another file or
// expired.
var ErrFileLink = errors.New("delivery: file link invalid or expired")

// fileLinkPurpose names the links' key among the master key's derived keys.
const fileLinkPurpose = "delivery file links"

// SetBaseURL sets the portal's address for the file links in webhooks;
// without it webhooks carry no links.
func (s *Service) SetBaseURL(u string) {
	s.mu.Lock()
	s.baseURL = u
	s.mu.Unlock()
}

// fileURL is the link to attachment of delivery d, valid from now.
func (s *Service) fileURL(d Delivery, attachmentID string) string {
	s.mu.RLock()
	base := s.baseURL
	s.mu.RUnlock()
	if base == "" {
		return ""
	}
	exp := s.opts.Now().Add(s.opts.FileLinkTTL).Unix()
	q := url.Values{"tenant": {d.TenantID}, "expires": {strconv.FormatInt(exp, 10)},
		"signature": {s.fileSignature(d.TenantID, d.ID, attachmentID, exp)}}
	return base + "/api/v1/deliveries/" + url.PathEscape(d.ID) + "/attachments/" + url.PathEscape(attachmentID) + "?" + q.Encode()
}

func (s *Service) fileSignature(tenantID, deliveryID, attachmentID string, exp int64) string {
	m := hmac.New(sha512.New, s.linkKey)
	fmt.Fprintf(m, "%s\n%s\n%s\n%d", tenantID, deliveryID, attachmentID, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// LinkedFile checks a file link's parts and returns the file it opens,
// recording the fetch in the audit log. A link that does not check out
// gives ErrFileLink; a delivery or file that no longer exists (deleted
// under retention) gives store.ErrNotFound.
func (s *Service) LinkedFile(ctx context.Context, tenantID, deliveryID, attachmentID, expires, signature string) (submission.Attachment, error) {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return submission.Attachment{}, ErrFileLink
	}
	want := s.fileSignature(tenantID, deliveryID, attachmentID, exp)
	if !hmac.Equal([]byte(want), []byte(signature)) || s.opts.Now().Unix() > exp {
		return submission.Attachment{}, ErrFileLink
	}
	d, err := s.Get(ctx, tenantID, deliveryID)
	if err != nil {
		return submission.Attachment{}, err
	}
	sub, err := s.opts.Submissions.Submission(ctx, tenantID, d.SubmissionID)
	if err != nil {
		return submission.Attachment{}, err
	}
	for _, a := range citizenFiles(sub) {
		if a.ID != attachmentID {
			continue
		}
		actor := "receiver" // of a delivery whose target was deleted since
		if d.TargetID != "" {
			actor = "delivery_target:" + d.TargetID
		}
		err := s.record(ctx, tenantID, actor, "delivery.file_fetched", "delivery:"+d.ID,
			map[string]string{"attachment": a.ID, "submission": sub.ID})
		return a, err
	}
	return submission.Attachment{}, fmt.Errorf("delivery: file %s: %w", attachmentID, store.ErrNotFound)
}

// WriteFile streams a file that LinkedFile returned.
func (s *Service) WriteFile(ctx context.Context, w io.Writer, a submission.Attachment) error {
	return s.opts.Submissions.WriteAttachment(ctx, w, a)
}
