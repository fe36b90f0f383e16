package bench

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the CPU time the whole process (client, server, GC)
// spends, which on a busy machine varies far less than wall time: another
// process taking a core stretches ns/op but not cpu-ns/op.
type cpuClock struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuClock { return cpuClock{start: processCPU()} }

// report adds the cpu-ns/op metric for b.N operations.
func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
}
