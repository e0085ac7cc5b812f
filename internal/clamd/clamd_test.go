package clamd

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/serviceportal/serviceportal/internal/clamd/clamdtest"
)

func TestScan(t *testing.T) {
	t.Parallel()
	c, err := New(clamdtest.Start(t, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		file      []byte
		infected  bool
		noVerdict bool
	}{
		{"clean PDF", []byte("%PDF-1.4\nHundesteuerbescheid\n%%EOF\n"), false, false},
		{"empty", nil, false, false},
		{"EICAR", []byte(clamdtest.EICAR), true, false},
		{"EICAR after many chunks", append(bytes.Repeat([]byte("a"), 3*chunkSize+17), clamdtest.EICAR...), true, false},
		{"over clamd's limit", bytes.Repeat([]byte("b"), 2<<20), false, true},
	}
	for _, tt := range tests {
		err := c.Scan(ctx, bytes.NewReader(tt.file))
		var inf *Infected
		switch {
		case tt.infected:
			if !errors.As(err, &inf) || !strings.Contains(inf.Signature, "EICAR") {
				t.Errorf("%s: %v, want infected", tt.name, err)
			}
		case tt.noVerdict:
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s: %v, want no verdict", tt.name, err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c, _ := New(addr)
	if err := c.Scan(context.Background(), strings.NewReader("x")); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("closed port: %v", err)
	}
	for _, bad := range []string{"", "clamd", "tcp://nohost"} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
}
