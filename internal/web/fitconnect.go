package web

import (
	"context"
	"crypto/x509"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/delivery"
	"github.com/serviceportal/serviceportal/internal/fitconnect"
	"github.com/serviceportal/serviceportal/internal/gewerbeanzeige"
	"github.com/serviceportal/serviceportal/internal/inbound"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// FitConnectSetup is the operator's part of FIT-Connect: whom to trust.
// Each tenant's client credentials and destination are a delivery target.
type FitConnectSetup struct {
	TrustAnchors  *x509.CertPool
	Issuer        string
	IssuerKeysURL string
	// HTTPClient is for tests against a stand-in; nil uses the default.
	HTTPClient *http.Client
}

// EnableFitConnect registers the FIT-Connect delivery route. The
// application goes out with its files and the PDF of the filled form, and
// with the verified payment as paymentInformation; a Gewerbe-Anmeldung
// made with the portal's form carries its XGewerbeanzeige as the data
// instead of the answers as JSON. Call it while wiring,
// before the job queue starts.
func (u *UseCases) EnableFitConnect(s FitConnectSetup) error {
	a, err := delivery.NewFitConnect(delivery.FitConnectOptions{Files: u.Submissions, Describe: delivery.CatalogNames(u.Tenants, u.Catalog),
		Issuer: s.Issuer, IssuerKeysURL: s.IssuerKeysURL, TrustAnchors: s.TrustAnchors, HTTPClient: s.HTTPClient,
		RenderForm: func(ctx context.Context, sub submission.Submission) ([]byte, error) {
			link, _, err := u.statusLink(ctx, sub.TenantID, sub.ID)
			if err != nil {
				return nil, err
			}
			return u.ReceiptPDF(ctx, sub, link)
		},
		Enrich: func(ctx context.Context, sub submission.Submission, fs *fitconnect.Submission) error {
			if err := u.Payments.EnrichFITConnect(ctx, sub, fs); err != nil {
				return err
			}
			return gewerbeanzeige.New(u.Tenants, u.Catalog).EnrichFITConnect(ctx, sub, fs)
		}})
	if err != nil {
		return err
	}
	u.Delivery.AddAdapter(a)
	// Receiving trusts the same Verwaltungs-PKI as sending.
	u.Inbound.Enable(inbound.Options{TrustAnchors: s.TrustAnchors, HTTPClient: s.HTTPClient})
	return nil
}
