package payment

import (
	"net/url"
	"testing"
)

func TestMoneyAndText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cents int64
		euro  string
		dec   string
	}{{0, "0,00 €", "0.00"}, {5, "0,05 €", "0.05"}, {3070, "30,70 €", "30.70"}, {123456, "1.234,56 €", "1234.56"}, {100000000, "1.000.000,00 €", "1000000.00"}} {
		if got := FormatEuro(tc.cents); got != tc.euro {
			t.Errorf("FormatEuro(%d) = %q, want %q", tc.cents, got, tc.euro)
		}
		if got := decimalEuro(tc.cents); got != tc.dec {
			t.Errorf("decimalEuro(%d) = %q", tc.cents, got)
		}
		if back, err := parseDecimalEuro(tc.dec); err != nil || back != tc.cents {
			t.Errorf("parseDecimalEuro(%q) = %d, %v", tc.dec, back, err)
		}
	}
	if got := FormatAmount(-1070); got != "-10,70" {
		t.Errorf("FormatAmount(-1070) = %q", got)
	}
	for _, bad := range []string{"", "1.234", "-1.00", "1,00", "abc"} {
		if _, err := parseDecimalEuro(bad); err == nil {
			t.Errorf("parseDecimalEuro(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{
		"REC-2026-Z000001 Bewohnerparkausweis beantragen": "REC-2026-Z000001 Bewohnerpa",
		"Gebühr für Straßen & Plätze":                     "Gebuehr fuer Strassen + Pla",
		"  a\t\tb  <script>":                              "a b script",
		"€ 30":                                            "30",
	} {
		if got := SEPAText(in, 27); got != want || len(got) > 27 {
			t.Errorf("SEPAText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPmHash pins the hash input: the present fields, in the documented
// order, joined by "|" (HMAC-SHA256, hex). The expected values come from
// openssl: echo -n '05562032|3070|P|D|n|r' | openssl dgst -sha256 -hmac salt
func TestPmHash(t *testing.T) {
	t.Parallel()
	f := url.Values{"redirectURL": {"r"}, "ags": {"05562032"}, "amount": {"3070"}, "procedure": {"P"}, "desc": {"D"}, "notifyURL": {"n"}}
	if got := PmHash("salt", f, pmStartFields); got != "f284af0d18cc3ef374e9c783c2bf2be39f9647afc5737a1e927bd11535df3b13" {
		t.Fatalf("six fields: %s", got)
	}
	f.Set("accountingRecord", "K")
	f.Set("txid", "T")
	if got := PmHash("salt", f, pmStartFields); got != "784efa9ad5e327d603fcf7f0ba99e22a0bb34499cd87b09aeaf8069b3740714e" {
		t.Fatalf("eight fields: %s", got)
	}
}

func TestFITConnect(t *testing.T) {
	t.Parallel()
	p := Payment{ID: "abc", ProviderRef: "Serviceportal.2026.x", Kassenzeichen: "REC-2026-Z000001", AmountCents: 3070, Status: StatusPayed}
	got := p.FITConnect()
	if got.Status != "BOOKED" || got.TransactionID != "abc" || got.PaymentMethod != "OTHER" || got.GrossAmount != "30.70" {
		t.Fatalf("%+v", got)
	}
	p.Status, p.ProviderRef, p.Method = StatusExpired, "EPB-1234", "CREDITCARD"
	if got := p.FITConnect(); got.Status != "CANCELED" || got.TransactionID != "EPB-1234" || got.PaymentMethod != "CREDITCARD" {
		t.Fatalf("%+v", got)
	}
}
