// Package clamdtest runs a stand-in for a ClamAV daemon in tests.
package clamdtest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"strings"
	"testing"
)

// EICAR is the antivirus industry's harmless test file.
const EICAR = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// Start runs a stand-in that speaks clamd's side of PING and INSTREAM, flagging the EICAR
// string and stopping streams over maxLen as clamd's StreamMaxLength does.
// It returns the address to give clamd.New. SERVICEPORTAL_TEST_CLAMD
// points the tests at a real daemon instead.
func Start(t testing.TB, maxLen int) string {
	t.Helper()
	if addr := os.Getenv("SERVICEPORTAL_TEST_CLAMD"); addr != "" {
		return addr
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveClamd(conn, maxLen)
		}
	}()
	return "tcp://" + ln.Addr().String()
}

func serveClamd(conn net.Conn, maxLen int) {
	defer conn.Close()
	br := bufio.NewReader(conn)
	cmd, err := br.ReadString(0)
	if err != nil {
		return
	}
	switch cmd {
	case "zPING\x00":
		conn.Write([]byte("PONG\x00"))
		return
	case "zINSTREAM\x00":
	default:
		conn.Write([]byte("UNKNOWN COMMAND\x00"))
		return
	}
	var data bytes.Buffer
	for {
		var n uint32
		if binary.Read(br, binary.BigEndian, &n) != nil {
			return
		}
		if n == 0 {
			break
		}
		if data.Len()+int(n) > maxLen {
			conn.Write([]byte("INSTREAM size limit exceeded. ERROR\x00"))
			return
		}
		io.CopyN(&data, br, int64(n))
	}
	if strings.Contains(data.String(), EICAR) {
		conn.Write([]byte("stream: Win.Test.EICAR_HDB-1 FOUND\x00"))
		return
	}
	conn.Write([]byte("stream: OK\x00"))
}
