package ui

import "context"

// Mailer queues an e-mail for a tenant. Mails carry links, never
// application data.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Mail is one outgoing message.
type Mail struct {
	TenantID string
	To       string
	Subject  string
	Body     string
	Kind     string
}

func (h *Handler) sendMail(ctx context.Context, m Mail) error {
	if h.mail == nil {
		return nil
	}
	return h.mail.Send(ctx, m)
}
