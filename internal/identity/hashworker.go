package identity

import (
	"bufio"
	"encoding/gob"
	"errors"
	"io"
	"os"

	"golang.org/x/crypto/argon2"
)

// hashWorkerEnv marks a process started as a hash worker: the portal's own
// binary, re-executed by workerPool.
const hashWorkerEnv = "SERVICEPORTAL_HASH_WORKER"

// A hash worker takes over before any other package initialises, so it
// costs little memory and never opens the database or the network.
func init() {
	if os.Getenv(hashWorkerEnv) == "1" {
		os.Exit(serveHashes(os.Stdin, os.Stdout))
	}
}

// hashRequest is one argon2id derivation sent to a worker.
type hashRequest struct {
	Password  []byte
	Salt      []byte
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
	KeyLen    uint32
}

// hashResponse is a worker's answer. Nice is the worker's nice value, so
// tests and operators can see that the priority really was lowered.
type hashResponse struct {
	Key  []byte
	Nice int
}

// maxMemoryKiB bounds argon2id's memory (2 GiB): decodePHC refuses stored
// hashes above it, and a worker refuses requests above it.
const maxMemoryKiB = 1 << 21

var errBadHashRequest = errors.New("identity: hash request out of bounds")

// derive runs argon2id for the request in the calling process.
func (r hashRequest) derive() ([]byte, error) {
	if r.Time == 0 || r.Threads == 0 || r.MemoryKiB == 0 || r.MemoryKiB > maxMemoryKiB || r.KeyLen == 0 || r.KeyLen > 1024 {
		return nil, errBadHashRequest
	}
	return argon2.IDKey(r.Password, r.Salt, r.Time, r.MemoryKiB, r.Threads, r.KeyLen), nil
}

// serveHashes answers hash requests from r on w until r ends. It returns the
// process's exit code.
func serveHashes(r io.Reader, w io.Writer) int {
	dec := gob.NewDecoder(bufio.NewReader(r))
	enc := gob.NewEncoder(w)
	nice, _ := processNice()
	for {
		var req hashRequest
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return 0
			}
			return 1
		}
		key, err := req.derive()
		if err != nil {
			return 2
		}
		if err := enc.Encode(hashResponse{Key: key, Nice: nice}); err != nil {
			return 1
		}
	}
}
