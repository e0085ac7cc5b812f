package submission

import (
	"context"
	"io"
)

// scanning streams an upload to the virus scanner while it is stored. A
// nil *scanning (no scanner configured) accepts everything.
type scanning struct {
	tee  *scanTee
	pw   *io.PipeWriter
	done chan error
}

func (s *Service) startScan(ctx context.Context, r io.Reader) *scanning {
	pr, pw := io.Pipe()
	sc := &scanning{tee: &scanTee{r: r, w: pw}, pw: pw, done: make(chan error, 1)}
	go func() {
		err := s.scanner.Scan(ctx, pr)
		pr.CloseWithError(io.ErrClosedPipe) // unblock the writer if the scanner quit early
		sc.done <- err
	}()
	return sc
}

// verdict ends the stream and waits for the scanner: nil means clean.
func (sc *scanning) verdict() error {
	if sc == nil {
		return nil
	}
	sc.pw.Close()
	return <-sc.done
}

// abort ends the stream after a failure of our own and lets the scanner
// finish.
func (sc *scanning) abort(err error) {
	if sc == nil {
		return
	}
	sc.pw.CloseWithError(err)
	<-sc.done
}

// scanTee hands what it reads to the scanner. A scanner that stopped
// reading (it found something, or gave up) no longer gets data, and its
// verdict decides.
type scanTee struct {
	r    io.Reader
	w    *io.PipeWriter
	gone bool
}

func (t *scanTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 && !t.gone {
		if _, werr := t.w.Write(p[:n]); werr != nil {
			t.gone = true
		}
	}
	return n, err
}
