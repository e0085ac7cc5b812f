package identity

import (
	"bytes"
	"runtime"
	"testing"

	"golang.org/x/crypto/argon2"
)

func cheapRequest(password string) hashRequest {
	return hashRequest{Password: []byte(password), Salt: []byte("salzsalzsalzsalz"),
		Time: cheapParams.Time, MemoryKiB: cheapParams.MemoryKiB, Threads: cheapParams.Threads, KeyLen: 32}
}

// TestHashWorkers checks that a worker process derives the same key as
// argon2id in process, at the lowest priority, and that a dead worker costs
// no answer and is replaced.
func TestHashWorkers(t *testing.T) {
	t.Parallel()
	req := cheapRequest("Werkstattpasswort")
	want := argon2.IDKey(req.Password, req.Salt, req.Time, req.MemoryKiB, req.Threads, req.KeyLen)

	w, err := startHashWorker()
	if runtime.GOOS != "linux" {
		if err == nil {
			t.Fatal("a hash worker started where its priority cannot be lowered")
		}
		t.Skip("hash workers need Linux")
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := w.call(req)
	w.stop()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resp.Key, want) {
		t.Fatal("the worker's key differs from argon2id in process")
	}
	if resp.Nice != hashNice {
		t.Fatalf("worker nice = %d, want %d", resp.Nice, hashNice)
	}
	if own, _ := processNice(); own == hashNice {
		t.Fatal("the portal's own thread was deprioritised too")
	}

	p := newWorkerPool(1)
	pids := map[int]bool{}
	for round := range 5 {
		key, err := p.derive(req)
		if err != nil || !bytes.Equal(key, want) {
			t.Fatalf("round %d: %x, %v", round, key, err)
		}
		if p.disabled.Load() {
			t.Fatal("pool fell back to inline hashing for good")
		}
		// Kill the worker after every other round: the next call must still
		// answer (in process), and the one after runs on a new worker.
		w := <-p.idle
		if w != nil {
			pids[w.cmd.Process.Pid] = true
			if round%2 == 0 {
				_ = w.cmd.Process.Kill()
				_ = w.cmd.Wait()
			}
		}
		p.idle <- w
	}
	if len(pids) < 2 {
		t.Fatalf("workers seen: %v; want a replacement after the kill", pids)
	}
}

// TestNoHashWorkers covers SERVICEPORTAL_HASH_WORKERS=0: hashes run in
// process and no worker is started.
func TestNoHashWorkers(t *testing.T) {
	t.Parallel()
	req := cheapRequest("ohne Helfer")
	want := argon2.IDKey(req.Password, req.Salt, req.Time, req.MemoryKiB, req.Threads, req.KeyLen)
	p := newWorkerPool(0)
	key, err := p.derive(req)
	if err != nil || !bytes.Equal(key, want) {
		t.Fatalf("derive = %x, %v", key, err)
	}
	if len(p.idle) != 0 {
		t.Fatal("a worker slot appeared")
	}
}

// TestHashWorkerRefusesOutOfBounds keeps a worker from allocating what a
// forged request asks for.
func TestHashWorkerRefusesOutOfBounds(t *testing.T) {
	t.Parallel()
	for _, req := range []hashRequest{
		{Time: 1, MemoryKiB: maxMemoryKiB + 1, Threads: 1, KeyLen: 32},
		{Time: 0, MemoryKiB: 64, Threads: 1, KeyLen: 32},
		{Time: 1, MemoryKiB: 64, Threads: 0, KeyLen: 32},
		{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 0},
	} {
		if _, err := req.derive(); err == nil {
			t.Errorf("derive(%+v) succeeded", req)
		}
	}
}
