// Package measure runs a command and records its wall time, CPU time and
// memory: the peak resident set of its largest process (GNU time's %M, from
// wait4's rusage) and the peak summed resident set of its whole process
// tree, sampled from /proc.
//
// The command runs under /usr/bin/time when it is installed: a Go program
// starts children with vfork, and the kernel then charges the parent's
// resident set to the child's peak until it execs, so rusage taken
// directly would report at least the benchmark runner's own size. GNU time
// is small, and forks the command itself.
package measure

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sample is the cost of one command run.
type Sample struct {
	Wall time.Duration
	// CPU is user plus system time of the process and every descendant it
	// waited for.
	CPU time.Duration
	// MaxRSS is the peak resident set of the largest single process in the
	// tree, in bytes.
	MaxRSS int64
	// TreeRSS is the peak of the tree's summed resident sets, in bytes,
	// sampled every SampleInterval (short-lived processes may be missed).
	TreeRSS  int64
	ExitCode int
	// Via says how MaxRSS and CPU were taken: "GNU time" or "wait4".
	Via string
}

// GNUTime is GNU time's path; Run uses it when it exists.
const GNUTime = "/usr/bin/time"

// SampleInterval is how often the process tree's memory is sampled.
const SampleInterval = 50 * time.Millisecond

// Run runs cmd (which must not have been started) to completion. A non-zero
// exit is not an error: it is in Sample.ExitCode.
func Run(cmd *exec.Cmd) (Sample, error) { return run(cmd, GNUTime) }

func run(cmd *exec.Cmd, gnuTime string) (Sample, error) {
	if cmd.Err != nil {
		return Sample{}, cmd.Err
	}
	if _, err := os.Stat(cmd.Path); err != nil {
		return Sample{}, err
	}
	var timeFile string
	if _, err := os.Stat(gnuTime); err == nil {
		f, err := os.CreateTemp("", "measure-*.time")
		if err != nil {
			return Sample{}, err
		}
		f.Close()
		timeFile = f.Name()
		defer os.Remove(timeFile)
		cmd.Args = append([]string{gnuTime, "-f", "%e %U %S %M %x", "-o", timeFile, "--", cmd.Path}, cmd.Args[1:]...)
		cmd.Path = gnuTime
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Sample{}, err
	}
	root := cmd.Process.Pid
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var max int64
		t := time.NewTicker(SampleInterval)
		defer t.Stop()
		for {
			if rss := treeRSS(root, timeFile != ""); rss > max {
				max = rss
			}
			select {
			case <-done:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	s := Sample{Wall: wall, TreeRSS: <-peak}
	st := cmd.ProcessState
	if st == nil {
		return s, err
	}
	s.ExitCode = st.ExitCode()
	if timeFile != "" {
		if err := readGNUTime(timeFile, &s); err != nil {
			return s, err
		}
	} else {
		s.Via = "wait4"
		s.CPU = st.UserTime() + st.SystemTime()
		if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
			s.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if s.MaxRSS > s.TreeRSS {
		s.TreeRSS = s.MaxRSS // the sampler missed the peak
	}
	if _, isExit := err.(*exec.ExitError); isExit {
		err = nil
	}
	return s, err
}

// readGNUTime reads "%e %U %S %M %x" from the last line GNU time wrote (a
// line before it says when the command failed).
func readGNUTime(name string, s *Sample) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 5 {
		return fmt.Errorf("GNU time wrote %q", b)
	}
	user, err1 := strconv.ParseFloat(f[1], 64)
	sys, err2 := strconv.ParseFloat(f[2], 64)
	kb, err3 := strconv.ParseInt(f[3], 10, 64)
	code, err4 := strconv.Atoi(f[4])
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return fmt.Errorf("GNU time wrote %q: %v", b, err)
	}
	s.Via = "GNU time"
	s.CPU = time.Duration((user + sys) * float64(time.Second))
	s.MaxRSS = kb * 1024
	if s.ExitCode == 0 || code != 0 {
		s.ExitCode = code
	}
	return nil
}

var pageSize = int64(os.Getpagesize())

// treeRSS sums the resident sets of root's descendants, and of root itself
// unless it is only the GNU time wrapper.
func treeRSS(root int, wrapper bool) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	rss := map[int]int64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, pages, ok := readStat(pid)
		if !ok {
			continue
		}
		parent[pid], rss[pid] = ppid, pages*pageSize
	}
	var sum int64
	for pid, r := range rss {
		if wrapper && pid == root {
			continue
		}
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if p == root {
				sum += r
				break
			}
		}
	}
	return sum
}

// readStat reads the parent pid and resident pages from /proc/PID/stat.
func readStat(pid int) (ppid int, rssPages int64, ok bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	// After the name: state(0) ppid(1) ... rss is field 24 of stat, 22 here.
	if len(f) < 22 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	rssPages, err2 := strconv.ParseInt(f[21], 10, 64)
	return ppid, rssPages, err1 == nil && err2 == nil
}

// Bytes formats n as MiB or GiB.
func Bytes(n int64) string {
	const mib = 1 << 20
	if n >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/mib)
}
