package identity

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
)

// workerPool hashes passwords in separate worker processes that run at the
// lowest CPU priority. A login flood then only uses cores that pages leave
// idle, and its 19 MiB per hash never drives the portal's own garbage
// collector: in one process, every collection had to stop the hashing
// threads too, and pages stalled behind them (performance-security.md §7.1,
// goal 4: catalogue p99 during a login flood at most 2× its calm value).
//
// Where no worker can be started, hashes run inline, as before; the Hasher's
// slots still bound them.
type workerPool struct {
	// idle holds one entry per worker slot; nil is a slot whose worker has
	// not been started yet or has died.
	idle     chan *hashWorker
	disabled atomic.Bool
	warnOnce sync.Once
}

// newWorkerPool returns a pool of n worker slots, started on demand; with
// none, every hash runs in process.
func newWorkerPool(n int) *workerPool {
	p := &workerPool{idle: make(chan *hashWorker, n)}
	for range n {
		p.idle <- nil
	}
	p.disabled.Store(n == 0)
	return p
}

var (
	poolOnce   sync.Once
	sharedPool *workerPool
	sizeMu     sync.Mutex
	poolSize   = -1 // set by SetHashWorkers; below 0: one per core
)

// SetHashWorkers sets how many worker processes hash passwords: n < 0 one
// per core (the default), 0 none (hashes run in the portal process). Fewer
// workers than cores leave pages more room during a login flood and give
// fewer logins per second. It takes effect only before the first hash.
func SetHashWorkers(n int) {
	sizeMu.Lock()
	defer sizeMu.Unlock()
	poolSize = n
}

// hashWorkers returns the process's pool, sized on first use.
func hashWorkers() *workerPool {
	poolOnce.Do(func() {
		sizeMu.Lock()
		n := poolSize
		sizeMu.Unlock()
		if n < 0 {
			n = runtime.NumCPU()
		}
		sharedPool = newWorkerPool(n)
	})
	return sharedPool
}

// derive computes the key in a worker, or inline when none can serve.
func (p *workerPool) derive(req hashRequest) ([]byte, error) {
	if p.disabled.Load() {
		return req.derive()
	}
	w := <-p.idle
	if w == nil {
		var err error
		if w, err = startHashWorker(); err != nil {
			p.idle <- nil
			p.disable(err)
			return req.derive()
		}
	}
	resp, err := w.call(req)
	if err != nil {
		// The worker died or broke the protocol: replace it next time and
		// answer this request here.
		w.stop()
		p.idle <- nil
		return req.derive()
	}
	p.idle <- w
	return resp.Key, nil
}

func (p *workerPool) disable(err error) {
	p.disabled.Store(true)
	p.warnOnce.Do(func() {
		slog.Warn("password hashes run inside the portal process: no hash worker could be started", "err", err)
	})
}

// hashWorker is one running worker process.
type hashWorker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	enc *gob.Encoder
	dec *gob.Decoder
}

// startHashWorker re-executes this binary as a hash worker. The worker gets
// no environment beyond what it needs, so none of the portal's secrets.
func startHashWorker() (*hashWorker, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("identity: hash worker: %w", err)
	}
	cmd := exec.Command(exe) // #nosec G204 -- re-executes this very binary, with no arguments, as a hash worker
	cmd.Env = []string{hashWorkerEnv + "=1", "GOMAXPROCS=1"}
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("identity: hash worker: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("identity: hash worker: %w", err)
	}
	if err := startLowPriority(cmd); err != nil {
		return nil, fmt.Errorf("identity: hash worker: %w", err)
	}
	return &hashWorker{cmd: cmd, in: in, enc: gob.NewEncoder(in), dec: gob.NewDecoder(bufio.NewReader(out))}, nil
}

// call sends one request and waits for its answer.
func (w *hashWorker) call(req hashRequest) (hashResponse, error) {
	var resp hashResponse
	if err := w.enc.Encode(req); err != nil {
		return resp, err
	}
	if err := w.dec.Decode(&resp); err != nil {
		return resp, err
	}
	if uint32(len(resp.Key)) != req.KeyLen { // #nosec G115 -- a key is at most 1 KB long
		return resp, errBadHashRequest
	}
	return resp, nil
}

// stop ends the worker and reaps it.
func (w *hashWorker) stop() {
	_ = w.in.Close()
	_ = w.cmd.Process.Kill()
	go func() { _ = w.cmd.Wait() }()
}
