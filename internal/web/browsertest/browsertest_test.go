package browsertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAxeFindsViolations proves the checker is live: a page without a
// language, with an unlabelled input and an image without text must fail.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><title>x</title></head><body><main><img src="/a.png"><input type="text"></main></body></html>`)
	}))
	defer ts.Close()
	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL)); err != nil {
		t.Fatal(err)
	}
	vs, err := Axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, v := range vs {
		found[v.ID] = true
	}
	for _, id := range []string{"html-has-lang", "image-alt", "label"} {
		if !found[id] {
			t.Errorf("axe did not report %s; got %v", id, vs)
		}
	}
}
