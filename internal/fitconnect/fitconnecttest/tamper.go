package fitconnecttest

import (
	"errors"
	"fmt"
	"strings"
)

// Part names for Tamper and Replace: "metadata", "data", or an
// attachment id.
const (
	PartMetadata = "metadata"
	PartData     = "data"
)

// Tamper flips one bit in the ciphertext of a stored part of a submitted
// submission, as an attacker between sender and subscriber might. The
// subscriber's AES-GCM check must catch it.
func (s *Service) Tamper(submissionID, part string) error {
	return s.modify(submissionID, part, func(tok string) (string, error) {
		parts := strings.Split(tok, ".")
		if len(parts) != 5 || len(parts[3]) < 2 {
			return "", errors.New("fitconnecttest: stored part is no compact JWE")
		}
		ct := []byte(parts[3])
		// Change one base64url character to another, keeping it decodable.
		if ct[0] == 'A' {
			ct[0] = 'B'
		} else {
			ct[0] = 'A'
		}
		parts[3] = string(ct)
		return strings.Join(parts, "."), nil
	})
}

// Replace swaps a stored part for another JWE, e.g. one encrypted with
// the destination's key over other content: it decrypts fine, but its
// hash no longer matches the metadata.
func (s *Service) Replace(submissionID, part, token string) error {
	return s.modify(submissionID, part, func(string) (string, error) { return token, nil })
}

func (s *Service) modify(submissionID, part string, change func(string) (string, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.submissions[submissionID]
	if !ok {
		return fmt.Errorf("fitconnecttest: no submission %s", submissionID)
	}
	var target *string
	switch part {
	case PartMetadata:
		target = &sub.Metadata
	case PartData:
		target = &sub.Data
	default:
		tok, ok := sub.Attachments[part]
		if !ok {
			return fmt.Errorf("fitconnecttest: submission %s has no part %q", submissionID, part)
		}
		changed, err := change(tok)
		if err != nil {
			return err
		}
		sub.Attachments[part] = changed
		return nil
	}
	changed, err := change(*target)
	if err != nil {
		return err
	}
	*target = changed
	return nil
}

// StoredParts returns the ciphertexts stored for a submission by part
// name, to inspect what left the sender.
func (s *Service) StoredParts(submissionID string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	sub, ok := s.submissions[submissionID]
	if !ok {
		return out
	}
	out[PartMetadata], out[PartData] = sub.Metadata, sub.Data
	for id, tok := range sub.Attachments {
		out[id] = tok
	}
	return out
}
