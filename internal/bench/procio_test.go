package bench

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestPerOpCountsTheMachine: the per-submission note names the process's
// CPU and, where /proc/stat exists, the whole machine's, which is never
// less than the process's own.
func TestPerOpCountsTheMachine(t *testing.T) {
	t.Parallel()
	before := readProcIO()
	spins := 0
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); spins++ {
		runtime.Gosched()
	}
	after := readProcIO()
	if spins == 0 {
		t.Fatal("no work done")
	}
	note := before.perOp(after, 1, "test")
	if runtime.GOOS != "linux" {
		t.Skip("no /proc here")
	}
	if !strings.Contains(note, "in this process") || !strings.Contains(note, "on the whole machine") {
		t.Fatalf("note %q", note)
	}
	if m, p := after.machine-before.machine, after.cpu-before.cpu; m <= 0 || m+20*time.Millisecond < p {
		t.Errorf("machine %v, process %v: the machine includes the process", m, p)
	}
}
