// Package browsertest drives a real headless Chromium for UI tests and
// checks pages with axe-core against WCAG 2.1 A and AA. Tests skip when no
// Chromium is installed, except in CI, where a missing browser fails.
package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

//go:embed axe/axe.min.js
var axeSource string

// browserSlots bounds concurrent browsers: each Chromium takes hundreds of
// megabytes and the CI machine has two cores.
var browserSlots = make(chan struct{}, 2)

func chromiumPath() string {
	for _, p := range []string{os.Getenv("SERVICEPORTAL_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// New starts a headless Chromium for the test and returns its context. The
// browser ends with the test.
func New(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is not installed; .ci/run installs the chromium package")
		}
		t.Skip("Chromium not installed (apt-get install chromium)")
	}
	browserSlots <- struct{}{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The cap only catches a hung browser; a loaded 2-core CI runner with
	// the race detector needs well over a minute for the longest journey.
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		<-browserSlots
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Violation is one axe-core finding.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// Axe runs axe-core's WCAG 2.0/2.1 A and AA rules on the page that is open
// in ctx and returns the violations.
func Axe(ctx context.Context) ([]Violation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		return nil, fmt.Errorf("inject axe: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
			targets: v.nodes.map(n => n.target.join(' '))})))`
	return chromedp.Run(ctx, chromedp.Evaluate[[]Violation](run, chromedp.EvalAwaitPromise))
}

// settled holds once the page has loaded and swapped in its web fonts.
const settled = `document.readyState === 'complete' && document.fonts.status === 'loaded'`

// Press waits until the page has settled, moves keyboard focus to the
// first element that sel matches and presses Enter on it, as a keyboard
// user would. Tests use it rather than a mouse click: the design system
// scrolls smoothly and moves the page while a click is aimed, so a click
// at coordinates sometimes lands beside the button. Enter on a radio
// button or a text field submits its form, so choose those with the space
// bar or type into them instead.
func Press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Poll[chromedp.Void](settled),
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Focus(chromedp.CSS(sel)),
		chromedp.KeyEvent(kb.Enter),
	)
}
