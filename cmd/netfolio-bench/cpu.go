package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter tells how much of the machine's CPU other processes took while the server was
// measured: the machine's busy time (/proc/stat) less the server's, this program's and its
// children's (wrk). On a shared machine that is what the numbers were up against.
type cpuMeter struct {
	start    time.Time
	busy     time.Duration
	own      time.Duration
	server0  time.Duration
	serverID int
}

func machineBusy() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var ticks int64
	for i, s := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / 100, true
}

func ownCPU() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += time.Duration(ru.Utime.Nano()) + time.Duration(ru.Stime.Nano())
		}
	}
	return total
}

func startCPUMeter(serverPID int) *cpuMeter {
	busy, _ := machineBusy()
	server, _ := cpuTime(serverPID)
	return &cpuMeter{start: time.Now(), busy: busy, own: ownCPU(), server0: server, serverID: serverPID}
}

// others returns the CPU time other processes used since the start, and the share of the
// machine's CPU that was; call it while the server still runs.
func (c *cpuMeter) others() (time.Duration, float64, bool) {
	busy, ok := machineBusy()
	server, err := cpuTime(c.serverID)
	if !ok || err != nil {
		return 0, 0, false
	}
	other := (busy - c.busy) - (server - c.server0) - (ownCPU() - c.own)
	other = max(other, 0)
	available := time.Since(c.start) * time.Duration(runtime.NumCPU())
	return other, float64(other) / float64(available), true
}
