package mail

import (
	"context"
	"errors"
)

// Sender delivers one mail. An error means this attempt failed and the
// dispatcher will try again later; an error wrapping ErrKept means the
// sender deliberately keeps the mail instead of sending it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrKept is returned (wrapped or not) by senders that do not send, such as
// KeepSender; the dispatcher then records the mail as kept.
var ErrKept = errors.New("mail: kept, not sent (no SMTP server configured)")

// KeepSender is the demo's sender: it sends nothing, and the dispatcher
// marks every mail as kept so administrators can read it in the outbox.
type KeepSender struct{}

// Send keeps m.
func (KeepSender) Send(context.Context, Message) error { return ErrKept }
