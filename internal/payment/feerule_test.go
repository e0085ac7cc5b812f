package payment_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/payment"
	"github.com/serviceportal/serviceportal/internal/store"
	"github.com/serviceportal/serviceportal/internal/store/storetest"
)

func TestFeeRuleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule payment.FeeRule
		want string // part of the German message; "" for valid
	}{
		{"free", payment.FeeRule{Kind: payment.FeeFree}, ""},
		{"fixed", payment.FeeRule{Kind: payment.FeeFixed, AmountCents: 3070}, ""},
		{"fixed without amount", payment.FeeRule{Kind: payment.FeeFixed}, "Betrag der Gebühr"},
		{"unknown kind", payment.FeeRule{Kind: "gratis"}, "Wählen Sie"},
		{"negative", payment.FeeRule{Kind: payment.FeeFixed, AmountCents: -1}, "zwischen"},
		{"too large", payment.FeeRule{Kind: payment.FeeFixed, AmountCents: 10_000_001}, "zwischen"},
		{"per quantity", payment.FeeRule{Kind: payment.FeePerQuantity, AmountCents: 1200, Field: "G90100010", Unit: "je Hund"}, ""},
		{"per quantity without field", payment.FeeRule{Kind: payment.FeePerQuantity, AmountCents: 1200}, "Formularfeld"},
		{"per quantity bad field", payment.FeeRule{Kind: payment.FeePerQuantity, AmountCents: 1200, Field: "F1; DROP"}, "Formularfeld"},
		{"calculated", payment.FeeRule{Kind: payment.FeeCalculated, Field: "F90000900"}, ""},
		{"on decision", payment.FeeRule{Kind: payment.FeeOnDecision}, ""},
		{"haushaltsstelle", payment.FeeRule{Kind: payment.FeeFree, Haushaltsstelle: "1.122.02 / 431100"}, ""},
		{"haushaltsstelle formula", payment.FeeRule{Kind: payment.FeeFree, Haushaltsstelle: "=SUM(A1)"}, "Haushaltsstelle"},
		{"scheme", payment.FeeRule{Kind: payment.FeeFree, KassenzeichenScheme: "5.1000.{JJJJ}.{NNNNNN}"}, ""},
		{"scheme without counter", payment.FeeRule{Kind: payment.FeeFree, KassenzeichenScheme: "5.1000.{JJJJ}"}, "Zähler"},
		{"scheme without year", payment.FeeRule{Kind: payment.FeeFree, KassenzeichenScheme: "5.1000.{NNNNNN}"}, "Jahr"},
		{"scheme with two counters", payment.FeeRule{Kind: payment.FeeFree, KassenzeichenScheme: "{JJJJ}{NNNN}{NNNN}"}, "Zähler"},
		{"scheme with space", payment.FeeRule{Kind: payment.FeeFree, KassenzeichenScheme: "5 {JJJJ}{NNNN}"}, "Zähler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rule.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("valid rule refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestFeeRuleCompute(t *testing.T) {
	t.Parallel()
	perDog := payment.FeeRule{Kind: payment.FeePerQuantity, AmountCents: 1200, Field: "G", Unit: "je Hund"}
	calc := payment.FeeRule{Kind: payment.FeeCalculated, Field: "F9"}
	tests := []struct {
		name    string
		rule    payment.FeeRule
		values  form.Values
		cents   int64
		explain string
		err     error
	}{
		{"fixed", payment.FeeRule{Kind: payment.FeeFixed, AmountCents: 3070}, nil, 3070, "30,70 €", nil},
		{"free", payment.FeeRule{Kind: payment.FeeFree}, nil, 0, "", nil},
		{"on decision", payment.FeeRule{Kind: payment.FeeOnDecision}, nil, 0, "", nil},
		{"two dogs", perDog, form.Values{"G": []form.Values{{}, {}}}, 2400, "2 × 12,00 € je Hund", nil},
		{"no dog yet", perDog, form.Values{}, 0, "", payment.ErrFeeUnknown},
		{"count as text", perDog, form.Values{"G": "2"}, 0, "", payment.ErrFeeUnknown},
		{"negative count", perDog, form.Values{"G": -3}, 0, "", payment.ErrFeeUnknown},
		{"runaway count", perDog, form.Values{"G": int64(1) << 40}, 0, "", payment.ErrFeeTooLarge},
		{"calculated money", calc, form.Values{"F9": form.Money(4550)}, 4550, "berechnet aus Ihren Angaben", nil},
		{"calculated float refused", calc, form.Values{"F9": 45.5}, 0, "", payment.ErrFeeUnknown},
		{"calculated too large", calc, form.Values{"F9": form.Money(10_000_001)}, 0, "", payment.ErrFeeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cents, explain, err := tt.rule.Compute(tt.values)
			if !errors.Is(err, tt.err) || cents != tt.cents || explain != tt.explain {
				t.Fatalf("Compute = %d %q %v, want %d %q %v", cents, explain, err, tt.cents, tt.explain, tt.err)
			}
		})
	}
}

func TestKassenzeichenFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scheme, code string
		n            int64
		want         string
	}{
		{"", "REC", 42, "REC-2026-Z000042"},
		{"", "", 1, "SP-2026-Z000001"},
		{"5.1000.{JJJJ}.{NNNNNN}", "REC", 42, "5.1000.2026.000042"},
		{"HU/{JJJJ}/{NNNN}", "DOR", 12345, "HU/2026/12345"},
	}
	for _, tt := range tests {
		if got := payment.KassenzeichenFor(tt.scheme, tt.code, 2026, tt.n); got != tt.want {
			t.Errorf("KassenzeichenFor(%q, %q, %d) = %q, want %q", tt.scheme, tt.code, tt.n, got, tt.want)
		}
	}
}

// TestFeeRuleBooking stores a rule, changes it, and starts payments under
// it: the Kassenzeichen follows the scheme, the Haushaltsstelle reaches the
// cash office's export, and a later change does not rewrite a payment.
func TestFeeRuleBooking(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		if _, ok, err := e.svc.FeeRule(e.ctx, e.tenant.ID, "bewohnerparkausweis"); ok || err != nil {
			t.Fatalf("rule before any was saved: %v %v", ok, err)
		}
		if _, err := e.svc.SaveFeeRule(e.ctx, payment.FeeRule{TenantID: e.tenant.ID, ServiceID: "bewohnerparkausweis", Kind: payment.FeeFixed}); err == nil {
			t.Fatal("a fixed fee without an amount was saved")
		}
		rule := payment.FeeRule{TenantID: e.tenant.ID, ServiceID: "bewohnerparkausweis", Kind: payment.FeeFixed, AmountCents: 3070,
			Field: "ignored", Haushaltsstelle: " 1.122.02.431100 ", KassenzeichenScheme: "5.1000.{JJJJ}.{NNNNNN}", UpdatedBy: "account:loki"}
		if _, err := e.svc.SaveFeeRule(e.ctx, rule); err != nil {
			t.Fatal(err)
		}
		got, ok, err := e.svc.FeeRule(e.ctx, e.tenant.ID, "bewohnerparkausweis")
		if err != nil || !ok || got.AmountCents != 3070 || got.Field != "" || got.Haushaltsstelle != "1.122.02.431100" || got.UpdatedBy != "account:loki" {
			t.Fatalf("stored rule %+v %v %v", got, ok, err)
		}
		// Another tenant sees nothing of it.
		if _, ok, _ := e.svc.FeeRule(e.ctx, "dorsten", "bewohnerparkausweis"); ok {
			t.Fatal("rule visible to another tenant")
		}
		stub := &stubProvider{}
		e.svc.Register("", stub)
		p := startWithRule(t, e, stub, got)
		year := e.clock.now().In(berlinTZ).Format("2006")
		if !strings.HasPrefix(p.Kassenzeichen, "5.1000."+year+".") || len(p.Kassenzeichen) != len("5.1000.2026.000001") {
			t.Fatalf("Kassenzeichen %q does not follow the scheme", p.Kassenzeichen)
		}
		got.Haushaltsstelle = "9.999"
		if _, err := e.svc.SaveFeeRule(e.ctx, got); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := e.svc.ExportCSV(e.ctx, e.tenant.ID, e.clock.now(), &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), p.Kassenzeichen+";30,70;") || !strings.Contains(buf.String(), ";1.122.02.431100\n") {
			t.Fatalf("export lacks the payment's Haushaltsstelle:\n%s", buf.String())
		}
	})
}

func startWithRule(t *testing.T, e *env, stub *stubProvider, r payment.FeeRule) payment.Payment {
	t.Helper()
	stub.ref, stub.status = "TX-R", payment.Result{Status: payment.StatusInitial}
	p, _, err := e.svc.Start(e.ctx, payment.StartInput{TenantID: e.tenant.ID, TenantCode: e.tenant.Code, DraftID: "d-rule",
		ServiceID: r.ServiceID, AmountCents: r.AmountCents, Purpose: "Bewohnerparkausweis", Haushaltsstelle: r.Haushaltsstelle,
		KassenzeichenScheme: r.KassenzeichenScheme, URLs: func(id string) (string, string) { return "https://x/r/" + id, "https://x/n/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	stub.status = payment.Result{ProviderRef: "TX-R", Status: payment.StatusPayed, AmountCents: r.AmountCents, Currency: "EUR"}
	if p, err = e.svc.Reconcile(e.ctx, e.tenant.ID, p.ID); err != nil || p.Status != payment.StatusPayed {
		t.Fatalf("paid: %+v %v", p, err)
	}
	return p
}
