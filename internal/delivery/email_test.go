package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/mail"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

// part is one decoded MIME part of a received mail.
type part struct {
	contentType, filename string
	body                  []byte
}

func parseMail(t testing.TB, raw []byte) (*netmail.Message, []part) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	var parts []part
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			body, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(body)))
			if err != nil {
				t.Fatal(err)
			}
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts = append(parts, part{contentType: ct, filename: p.FileName(), body: body})
	}
	return m, parts
}

// TestEmailToOffice sends the receipt PDF and the citizen's files to the
// office mailbox through a real SMTP exchange, after one refused attempt.
func TestEmailToOffice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startSMTP(t)
		srv.refuseNext(1)
		cfg := mail.Config{Host: srv.host, Port: srv.port, TLS: mail.TLSNone, From: "noreply@dorsten.de", FromName: "Serviceportal Dorsten"}
		f := setup(t, db, delivery.Options{Mail: cfg, RenderReceipt: fakePDF}, true)
		ctx := context.Background()
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, ServiceID: f.service.ID, Kind: delivery.KindEmail,
			Email: "hundesteuer@dorsten.de", Label: "Steueramt"}); err != nil {
			t.Fatal(err)
		}
		sub := f.submit(t, f.dorsten, f.service, file{"impfpass.pdf", "application/pdf", "%PDF Impfpass"})
		waitFor(t, 30*time.Second, "mail delivered", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDelivered] == 1 })
		ds, _ := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		as, _ := f.d.Attempts(ctx, f.dorsten.ID, ds[0].ID)
		if len(as) != 2 || as[0].Outcome != delivery.OutcomeFailed || !strings.Contains(as[0].Error, "451") || as[1].Outcome != delivery.OutcomeDelivered {
			t.Errorf("attempts: %+v", as)
		}

		mails, rcpts := srv.received()
		if len(mails) != 1 || len(rcpts) != 1 || rcpts[0] != "hundesteuer@dorsten.de" {
			t.Fatalf("server got %d mails to %v", len(mails), rcpts)
		}
		m, parts := parseMail(t, mails[0])
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if !strings.Contains(subject, sub.TrackingNumber) || !strings.Contains(subject, f.service.Name) {
			t.Errorf("subject %q", subject)
		}
		if got := m.Header.Get("Message-Id"); !strings.Contains(got, ds[0].ID) {
			t.Errorf("Message-ID %q does not carry the delivery ID", got)
		}
		if m.Header.Get(delivery.HeaderDelivery) != ds[0].ID {
			t.Errorf("delivery header %q", m.Header.Get(delivery.HeaderDelivery))
		}
		want, _ := fakePDF(ctx, sub)
		var text string
		var pdf, scan bool
		for _, p := range parts {
			switch {
			case p.contentType == "text/plain":
				text = string(p.body)
			case p.filename == "Antrag-"+sub.TrackingNumber+".pdf":
				pdf = p.contentType == "application/pdf" && bytes.Equal(p.body, want)
			case p.filename == "impfpass.pdf":
				scan = string(p.body) == "%PDF Impfpass"
			}
		}
		if !pdf || !scan {
			t.Errorf("attachments wrong: receipt %v, upload %v (%d parts)", pdf, scan, len(parts))
		}
		for _, s := range []string{sub.TrackingNumber, "über das Serviceportal", ds[0].ID, f.service.Name, "Eingegangen"} {
			if !strings.Contains(text, s) {
				t.Errorf("body lacks %q:\n%s", s, text)
			}
		}
	})
}

// TestEmailKeepMode: without an SMTP server (the demo) nothing is sent;
// the delivery counts as delivered, labelled kept, and a clearly marked
// copy waits in the mail outbox for administrators.
func TestEmailKeepMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		outbox := mail.NewOutbox(db, nil)
		f := setup(t, db, delivery.Options{Outbox: outbox, RenderReceipt: fakePDF}, true)
		ctx := context.Background()
		if _, err := f.d.SetTarget(ctx, delivery.TargetInput{TenantID: f.dorsten.ID, Kind: delivery.KindEmail, Email: "amt@dorsten.de"}); err != nil {
			t.Fatal(err)
		}
		sub := f.submit(t, f.dorsten, f.service)
		waitFor(t, 30*time.Second, "kept", func() bool { return f.states(t, f.dorsten.ID)[delivery.StateDelivered] == 1 })
		ds, _ := f.d.ForSubmission(ctx, f.dorsten.ID, sub.ID)
		as, _ := f.d.Attempts(ctx, f.dorsten.ID, ds[0].ID)
		if len(as) != 1 || as[0].Outcome != delivery.OutcomeKept || !strings.Contains(as[0].Error, "Demo") {
			t.Errorf("attempts: %+v", as)
		}
		ms, _, err := outbox.List(ctx, []string{f.dorsten.ID}, 10, "")
		if err != nil || len(ms) != 1 {
			t.Fatalf("outbox: %d, %v", len(ms), err)
		}
		m := ms[0]
		if m.Kind != delivery.MailKindOffice || m.To != "amt@dorsten.de" || !strings.HasPrefix(m.Subject, "[Demo – nicht versandt]") ||
			!strings.Contains(m.Text, "DEMO-MODUS") || !strings.Contains(m.Text, sub.TrackingNumber) {
			t.Errorf("kept mail: %+v", m)
		}
	})
}
