package bench

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Machine describes where a run happened; figures mean little without it.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	MemoryMiB  int    `json:"memory_mib,omitempty"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Kernel     string `json:"kernel,omitempty"`
	Arch       string `json:"arch"`
	// LoadAverage is /proc/loadavg's 1, 5 and 15 minute figures when the
	// run started: anything else running on the machine lowers the results.
	LoadAverage string `json:"load_average,omitempty"`
}

// ThisMachine reads the machine's description from /proc and /etc where
// they exist (Linux) and from the Go runtime otherwise.
func ThisMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Go: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, CPU: "unknown"}
	if v := fileField("/proc/cpuinfo", "model name", ':'); v != "" {
		m.CPU = v
	}
	if v := fileField("/etc/os-release", "PRETTY_NAME", '='); v != "" {
		m.OS = strings.Trim(v, `"`) + " (" + runtime.GOOS + ")"
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.LoadAverage = loadAverage()
	if v := fileField("/proc/meminfo", "MemTotal", ':'); v != "" {
		if kb, err := strconv.Atoi(strings.TrimSuffix(v, " kB")); err == nil {
			m.MemoryMiB = kb / 1024
		}
	}
	return m
}

// String is the one-line description printed above the table.
func (m Machine) String() string {
	s := m.CPU + ", " + strconv.Itoa(m.Cores) + " cores (GOMAXPROCS " + strconv.Itoa(m.GOMAXPROCS) + ")"
	if m.MemoryMiB > 0 {
		s += ", " + strconv.Itoa(m.MemoryMiB/1024) + " GiB RAM"
	}
	s += ", " + m.OS
	if m.Kernel != "" {
		s += ", kernel " + m.Kernel
	}
	return s + ", " + m.Go + " " + m.Arch
}

// fileField returns the value of the first line "key<sep>value" in path.
func fileField(path, key string, sep byte) string {
	f, err := os.Open(path) // #nosec G304 -- /proc and /etc files describing the machine
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), string(sep))
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage returns the 1, 5 and 15 minute load averages, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// busy reports whether the 1-minute load average exceeds half the cores.
func (m Machine) busy(load string) bool {
	f := strings.Fields(load)
	if len(f) == 0 {
		return false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return err == nil && v > float64(m.Cores)/2
}
