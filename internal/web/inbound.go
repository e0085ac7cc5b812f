package web

import (
	"github.com/serviceportal/serviceportal/internal/inbound"
)

// enableInbound lets tenants receive over FIT-Connect: the receiver
// trusts the same Verwaltungs-PKI as the sender.
func (u *UseCases) enableInbound(s FitConnectSetup) {
	u.Inbound.Enable(inbound.Options{TrustAnchors: s.TrustAnchors, HTTPClient: s.HTTPClient})
}
