package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/serviceportal/serviceportal/internal/form"
	"github.com/serviceportal/serviceportal/internal/submission"
)

// dogs are the Hundeanmeldung's repeated group, filled to its maximum of
// five so that the application carries about fifty values, like the
// sixty-field form of the performance goals.
var dogs = []struct{ name, breed, sex string }{
	{"Bello", "dackel", "ruede"}, {"Luna", "mischling", "huendin"}, {"Rex", "labrador", "ruede"},
	{"Emma", "mischling", "huendin"}, {"Balu", "dackel", "ruede"},
}

// hundeanmeldung returns the raw form values of a complete application
// whose reduction proof is the uploaded file ref; without a proof (nil)
// no reduction is asked for.
func hundeanmeldung(now time.Time, proof *form.FileRef) map[string][]string {
	date := func(daysAgo int) string { return now.AddDate(0, 0, -daysAgo).Format("02.01.2006") }
	raw := map[string][]string{
		"F90000001": {"Erika"}, "F90000002": {"Mustermann"}, "F90000004": {"12.08.1985"},
		"F90000011": {"Halterner Straße 5"}, "F90000012": {"46284"}, "F90000013": {"Dorsten"},
		"F90000021": {"erika.mustermann@example.org"}, "F90000022": {"02362 66-0"},
		"F90100021": {"false"}, "F90000091": {"true"}, "F90000092": {"true"},
		"G90100010.count": {strconv.Itoa(len(dogs))},
	}
	if proof != nil {
		raw["F90100021"] = []string{"true"}
		raw["F90100022"] = []string{"sozial"}
		raw["F90100023"] = []string{form.EncodeFileRef(*proof)}
	}
	for i, d := range dogs {
		p := "G90100010[" + strconv.Itoa(i) + "]."
		raw[p+"F90100011"] = []string{d.name}
		raw[p+"F90100012"] = []string{d.breed}
		raw[p+"F90100013"] = []string{d.sex}
		raw[p+"F90100014"] = []string{date(900 + 30*i)}
		raw[p+"F90100015"] = []string{date(300 + 20*i)}
		raw[p+"F90100016"] = []string{"27609810012345" + strconv.Itoa(i)}
		raw[p+"F90100017"] = []string{"false"}
	}
	return raw
}

// newProof is the attachment's content: random bytes behind a PDF header,
// so it neither compresses nor deduplicates.
func newProof(size int) []byte {
	b := make([]byte, size)
	rand.Read(b)
	copy(b, "%PDF-1.7\n")
	return b
}

// submitPages does what a citizen's Hundeanmeldung does to the database:
// start a draft, upload the proof into it (streamed into sealed chunks;
// skipped when file is empty),
// validate the whole application and submit it with the draft, in the
// durable transaction that also opens the case, writes the audit event
// and queues the receipt e-mail. It returns the number of values stored.
func (p *portal) submitPages(ctx context.Context, file []byte) (int, error) {
	subs := p.uc.Submissions
	d, token, err := subs.CreateDraft(ctx, submission.NewDraft{TenantID: p.dorsten.ID, ServiceID: p.service.ID,
		FormID: p.form.ID, FormVersion: p.form.Version})
	if err != nil {
		return 0, err
	}
	var proof *form.FileRef
	if len(file) > 0 {
		a, err := subs.PutAttachment(ctx, submission.NewAttachment{TenantID: p.dorsten.ID, DraftID: d.ID, FieldPath: "F90100023",
			Filename: "Leistungsbescheid.pdf", ContentType: "application/pdf", MaxSize: 10 << 20}, bytes.NewReader(file))
		if err != nil {
			return 0, err
		}
		proof = &form.FileRef{ID: a.ID, Name: a.Filename, Size: a.Size, MediaType: a.ContentType}
	}
	values, err := p.validate(proof)
	if err != nil {
		return 0, err
	}
	_, err = subs.Submit(ctx, submission.Input{TenantID: p.dorsten.ID, TenantCode: p.dorsten.Code, ServiceID: p.service.ID,
		FormID: p.form.ID, FormVersion: p.form.Version, Values: values, DraftID: d.ID,
		IdempotencyKey: submission.ResumeKey(token), ContactEmail: "erika.mustermann@example.org", Actor: "citizen:anonymous"})
	return countValues(values), err
}

// submitAPI does what an API client's multipart Hundeanmeldung does to
// the database: the proof is stored as it streams in (with a files
// folder without a row), and the validated application is submitted with it in
// one transaction that writes the file's row too. The JSON decoding of
// the handler is left out; the form's validation is the same.
func (p *portal) submitAPI(ctx context.Context, file []byte) (int, error) {
	subs := p.uc.Submissions
	files := subs.NewFiles(submission.NewDraft{TenantID: p.dorsten.ID, ServiceID: p.service.ID,
		FormID: p.form.ID, FormVersion: p.form.Version})
	var proof *form.FileRef
	if len(file) > 0 {
		a, err := files.Put(ctx, submission.NewAttachment{FieldPath: "F90100023", Filename: "Leistungsbescheid.pdf",
			ContentType: "application/pdf", MaxSize: 10 << 20}, bytes.NewReader(file))
		if err != nil {
			return 0, err
		}
		proof = &form.FileRef{ID: a.ID, Name: a.Filename, Size: a.Size, MediaType: a.ContentType}
	}
	values, err := p.validate(proof)
	if err != nil {
		files.Discard(ctx)
		return 0, err
	}
	_, err = subs.Submit(ctx, submission.Input{TenantID: p.dorsten.ID, TenantCode: p.dorsten.Code, ServiceID: p.service.ID,
		FormID: p.form.ID, FormVersion: p.form.Version, Values: values, Files: files,
		IdempotencyKey: "api:" + rand.Text(), ContactEmail: "erika.mustermann@example.org", Actor: "api"})
	return countValues(values), err
}

// validate evaluates the generated application as the form's handlers do
// and returns the values to store.
func (p *portal) validate(proof *form.FileRef) (map[string]any, error) {
	now := time.Now()
	res := p.form.Evaluate(hundeanmeldung(now, proof), now).ValidateAll()
	if !res.OK() {
		return nil, fmt.Errorf("bench: the generated application is invalid: %s: %s", res.Problems[0].FieldPath, res.Problems[0].Message)
	}
	return p.form.Export(res.Values), nil
}

// countValues counts leaf values, descending into repeated groups.
func countValues(v map[string]any) int {
	n := 0
	for _, x := range v {
		if arr, ok := x.([]any); ok {
			for _, e := range arr {
				if m, ok := e.(map[string]any); ok {
					n += countValues(m)
				}
			}
			continue
		}
		n++
	}
	return n
}
