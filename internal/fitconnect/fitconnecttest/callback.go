package fitconnecttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/fitconnect"
)

// CallbackType is the type of the new-submissions callback. The exact URI
// is not confirmed by the documentation at hand (standards.md §12); the
// portal's receiver does not depend on it.
const CallbackType = "https://schema.fitko.de/fit-connect/callbacks/new-submissions"

// SetCallback makes the Zustelldienst announce every new submission of d
// to url, signed with secret, through client (nil: http.DefaultClient),
// as a callback configured in the Self-Service-Portal does.
func (d *Destination) SetCallback(url string, secret []byte, client *http.Client) {
	d.svc.mu.Lock()
	defer d.svc.mu.Unlock()
	d.callbackURL, d.callbackSecret, d.callbackClient = url, secret, client
	if d.callbackClient == nil {
		d.callbackClient = http.DefaultClient
	}
}

// CallbackResults are the HTTP statuses of the callbacks sent so far (0
// for a transport error), in order.
func (d *Destination) CallbackResults() []int {
	d.svc.mu.Lock()
	defer d.svc.mu.Unlock()
	return append([]int(nil), d.callbackResults...)
}

// refOf names a submission as lists and callbacks carry it.
func refOf(sub *submission) fitconnect.SubmissionRef {
	return fitconnect.SubmissionRef{DestinationID: sub.DestinationID, SubmissionID: sub.ID, CaseID: sub.CaseID}
}

// notify sends the callback; it runs on its own goroutine, as the real
// Zustelldienst calls back independently of the sender's request.
func (d *Destination) notify(ref fitconnect.SubmissionRef) {
	defer d.svc.callbacks.Done()
	d.svc.mu.Lock()
	url, secret, client := d.callbackURL, d.callbackSecret, d.callbackClient
	d.svc.mu.Unlock()
	body, _ := json.Marshal(map[string]any{"type": CallbackType, "submissions": []fitconnect.SubmissionRef{ref}})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	status := 0
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(fitconnect.CallbackTimestampHeader, ts)
		req.Header.Set(fitconnect.CallbackAuthHeader, fitconnect.SignCallback(secret, ts, body))
		if resp, err := client.Do(req); err == nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
	}
	d.svc.mu.Lock()
	d.callbackResults = append(d.callbackResults, status)
	d.svc.mu.Unlock()
}
