package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
)

// httpSubmitter holds what every API request of a run shares: the body,
// built once (only the Idempotency-Key differs between requests), and a
// client that keeps its connections.
type httpSubmitter struct {
	once   sync.Once
	err    error
	body   []byte
	ctype  string
	fields int
	client *http.Client
}

// submitHTTP does what an API client does: one multipart POST of the
// application as JSON and the proof as a file part to the portal's
// loopback port. Routing, admission control, the multipart reader, the
// JSON decoding, the form's validation, the submit and the 201 all count.
func (p *portal) submitHTTP(ctx context.Context, file []byte) (int, error) {
	if p.base == "" {
		return 0, errors.New("bench: the portal is not served")
	}
	h := &p.http
	h.once.Do(func() { h.err = h.build(p, file) })
	if h.err != nil {
		return 0, h.err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		p.base+"/api/v1/tenants/dorsten/offerings/hundeanmeldung/submissions", bytes.NewReader(h.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", h.ctype)
	req.Header.Set("Idempotency-Key", rand.Text())
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("bench: API answered %d: %s", resp.StatusCode, answer)
	}
	return h.fields, nil
}

// build makes the request body of every submission: the validated
// application's values, less the file field, and the file under that
// field's name.
func (h *httpSubmitter) build(p *portal, file []byte) error {
	const fileField = "F90100023"
	var proof *form.FileRef
	if len(file) > 0 {
		proof = &form.FileRef{ID: "upload", Name: "Leistungsbescheid.pdf", Size: int64(len(file)), MediaType: "application/pdf"}
	}
	values, err := p.validate(proof)
	if err != nil {
		return err
	}
	h.fields = countValues(values)
	delete(values, fileField)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	data, err := mw.CreateFormField("data")
	if err != nil {
		return err
	}
	if err := json.NewEncoder(data).Encode(map[string]any{"data": values}); err != nil {
		return err
	}
	if len(file) > 0 {
		part, err := mw.CreateFormFile(fileField, "Leistungsbescheid.pdf")
		if err != nil {
			return err
		}
		part.Write(file)
	}
	if err := mw.Close(); err != nil {
		return err
	}
	h.body, h.ctype = b.Bytes(), mw.FormDataContentType()
	h.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256,
		IdleConnTimeout: 30 * time.Second, DisableCompression: true}}
	return nil
}
