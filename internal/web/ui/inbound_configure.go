package ui

import (
	"errors"
	"net/http"

	"github.com/serviceportal/serviceportal/internal/inbound"
)

// inboundConfigure stores a destination with its subscriber client and
// private keys. Secrets and keys are sealed at once and never shown again;
// the form comes back without them after an error.
func (h *Handler) inboundConfigure(w http.ResponseWriter, r *http.Request) {
	s, ok := h.inboundAdmin(w, r)
	if !ok {
		return
	}
	f := newForm(r, "label", "destination", "token_url", "submission_url", "client")
	in := inbound.ReceiverInput{Label: f.Value("label"), DestinationID: f.Value("destination"), TokenURL: f.Value("token_url"),
		SubmissionURL: f.Value("submission_url"), ClientID: f.Value("client"), ClientSecret: r.PostFormValue("client_secret"),
		DecryptionKeys: r.PostFormValue("decryption_keys"), SigningKey: r.PostFormValue("signing_key"),
		CallbackSecret: r.PostFormValue("callback_secret")}
	if _, err := h.inbound.Configure(r.Context(), s.info.Tenant.ID, "account:"+s.info.Account.ID, in); err != nil {
		var fe *inbound.FieldError
		if !errors.As(err, &fe) {
			h.serverError(w, r, err)
			return
		}
		f.add(fe.Field, fe.Message)
		h.renderInbound(w, r, s, http.StatusUnprocessableEntity, f)
		return
	}
	http.Redirect(w, r, s.info.Base+"/verwaltung/fitconnect-empfang?hinweis=gespeichert", http.StatusSeeOther)
}
