// Package clamd asks a ClamAV daemon whether a file carries malware. It
// speaks clamd's INSTREAM command (documented in clamd(8)): the file goes
// over the socket in length-prefixed chunks while it is being stored, so
// scanning neither buffers the file nor delays the upload by a second
// pass. No Go client for clamd is maintained today; the protocol is a
// handful of lines.
package clamd

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// chunkSize stays well below clamd's default StreamMaxLength chunks.
const chunkSize = 32 << 10

// Client talks to one clamd.
type Client struct {
	network, addr string
	// Timeout bounds a whole scan, including the upload it rides on.
	Timeout time.Duration
}

// New returns a client for addr: "tcp://host:3310", "host:3310" or
// "unix:///run/clamav/clamd.ctl".
func New(addr string) (*Client, error) {
	switch {
	case strings.HasPrefix(addr, "unix://"):
		return &Client{network: "unix", addr: strings.TrimPrefix(addr, "unix://"), Timeout: 5 * time.Minute}, nil
	case strings.HasPrefix(addr, "tcp://"):
		addr = strings.TrimPrefix(addr, "tcp://")
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return nil, fmt.Errorf("clamd: %q ist keine Adresse wie tcp://127.0.0.1:3310 oder unix:///run/clamav/clamd.ctl", addr)
	}
	return &Client{network: "tcp", addr: addr, Timeout: 5 * time.Minute}, nil
}

// Infected reports malware found in a file.
type Infected struct {
	// Signature is ClamAV's name for what it found, e.g. "Win.Test.EICAR_HDB-1".
	Signature string
}

func (e *Infected) Error() string { return "clamd: malware found: " + e.Signature }

// ErrUnavailable means clamd could not give a verdict (down, overloaded,
// file over its size limit). Callers refuse the file: no verdict is no
// clearance.
var ErrUnavailable = errors.New("clamd: no verdict")

// Ping checks that clamd answers.
func (c *Client) Ping(ctx context.Context) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	reply, err := bufio.NewReader(conn).ReadString(0)
	if err != nil || strings.TrimRight(reply, "\x00") != "PONG" {
		return fmt.Errorf("%w: ping answered %q (%v)", ErrUnavailable, reply, err)
	}
	return nil
}

// Scan streams r to clamd and returns nil for a clean file, *Infected for
// malware, or an error wrapping ErrUnavailable.
func (c *Client) Scan(ctx context.Context, r io.Reader) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("zINSTREAM\x00")); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	buf := make([]byte, 4+chunkSize)
	for {
		n, rerr := io.ReadFull(r, buf[4:])
		if n > 0 {
			binary.BigEndian.PutUint32(buf, uint32(n)) // #nosec G115 -- n is at most the chunk buffer's size (64 KiB)
			if _, err := conn.Write(buf[:4+n]); err != nil {
				// clamd closes the stream when the file exceeds its limit;
				// its reply says so.
				return c.verdict(conn, err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if _, err := conn.Write([]byte{0, 0, 0, 0}); err != nil {
		return c.verdict(conn, err)
	}
	return c.verdict(conn, nil)
}

func (c *Client) verdict(conn net.Conn, writeErr error) error {
	reply, err := bufio.NewReader(conn).ReadString(0)
	reply = strings.TrimSpace(strings.TrimRight(reply, "\x00"))
	switch {
	case reply == "stream: OK" && writeErr == nil:
		return nil
	case strings.HasSuffix(reply, " FOUND"):
		return &Infected{Signature: strings.TrimSuffix(strings.TrimPrefix(reply, "stream: "), " FOUND")}
	case reply != "":
		return fmt.Errorf("%w: %s", ErrUnavailable, reply)
	}
	return fmt.Errorf("%w: %v %v", ErrUnavailable, writeErr, err)
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, c.network, c.addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	deadline := time.Now().Add(c.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	return conn, nil
}
