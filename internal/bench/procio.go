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
}

func readProcIO() procIO {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return procIO{}
	}
	defer f.Close()
	p := procIO{cpu: processCPU()}
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
	return fmt.Sprintf("%.2f ms CPU (all cores, load generator included), %.0f write calls and %.0f KB written per %s",
		float64(later.cpu-p.cpu)/float64(time.Millisecond)/float64(ops),
		float64(later.syscw-p.syscw)/float64(ops), float64(later.wchar-p.wchar)/1024/float64(ops), what)
}
