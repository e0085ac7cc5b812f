package bench

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// procIO is the process's CPU time and its write counters from
// /proc/self/io (Linux). Unlike times, the counters hardly change with
// what else the machine is doing, so they show what a change to the write
// path saved even on a busy machine.
type procIO struct {
	ok           bool
	syscw, wchar int64 // write system calls, bytes handed to them
	cpu          time.Duration
	// machine is the CPU time of the whole machine (/proc/stat), which
	// takes in a database server's processes: on PostgreSQL the portal's
	// own time is only part of what a submission costs.
	machine time.Duration
}

func readProcIO() procIO {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return procIO{}
	}
	defer f.Close()
	p := procIO{cpu: processCPU(), machine: machineCPU()}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "syscw":
			p.syscw, p.ok = n, true
		case "wchar":
			p.wchar = n
		}
	}
	return p
}

// perOp describes the writes between p and later, per operation (a
// submission, a file: what).
func (p procIO) perOp(later procIO, ops int, what string) string {
	if !p.ok || !later.ok || ops <= 0 {
		return ""
	}
	per := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(ops) }
	cpu := fmt.Sprintf("%.2f ms CPU in this process (all cores, load generator included)", per(later.cpu-p.cpu))
	if p.machine > 0 && later.machine > p.machine {
		cpu += fmt.Sprintf(", %.2f ms on the whole machine (database server and other work included)", per(later.machine-p.machine))
	}
	return fmt.Sprintf("%s, %.0f write calls and %.0f KB written per %s",
		cpu, float64(later.syscw-p.syscw)/float64(ops), float64(later.wchar-p.wchar)/1024/float64(ops), what)
}

// machineCPU is the busy time of all cores so far (user, nice, system,
// interrupts, steal) from /proc/stat, or 0 where there is none. The
// kernel counts in ticks of 1/100 s on Linux.
func machineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
