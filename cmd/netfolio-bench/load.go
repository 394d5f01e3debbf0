package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type loadResult struct {
	requests int64
	rps      float64
	p50, p99 time.Duration
	errors   int64
}

// wrkScript makes wrk print its summary as one machine-readable line; latencies are in µs.
const wrkScript = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("NETFOLIO-BENCH %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
`

// runWrk runs wrk (Debian's package) against url for d.
func runWrk(ctx context.Context, url, token string, conns int, d time.Duration, script string) (loadResult, error) {
	threads := min(runtime.NumCPU(), conns)
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", secs), "--timeout", "10s", "-H", "Authorization: Bearer "+token, "-s", script, url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return loadResult{}, fmt.Errorf("wrk: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	for _, line := range strings.Split(stdout.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 6 || f[0] != "NETFOLIO-BENCH" {
			continue
		}
		var v [5]int64
		for i := range v {
			n, err := strconv.ParseInt(f[i+1], 10, 64)
			if err != nil {
				return loadResult{}, fmt.Errorf("wrk: unreadable summary %q", line)
			}
			v[i] = n
		}
		if v[1] <= 0 {
			return loadResult{}, fmt.Errorf("wrk: no duration in %q", line)
		}
		return loadResult{requests: v[0], rps: float64(v[0]) / (float64(v[1]) / 1e6),
			p50: time.Duration(v[2]) * time.Microsecond, p99: time.Duration(v[3]) * time.Microsecond, errors: v[4]}, nil
	}
	return loadResult{}, fmt.Errorf("wrk printed no summary: %s", strings.TrimSpace(stdout.String()))
}

// runGoLoad is the stand-in for wrk: conns goroutines, each with its own keep-alive
// connection, requesting url back to back for d; every latency is kept and sorted.
func runGoLoad(ctx context.Context, url, token string, conns int, d time.Duration) (loadResult, error) {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  int64
		wg        sync.WaitGroup
	)
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]time.Duration, 0, 1<<14)
			var failed int64
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failed++
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					if ctx.Err() == nil {
						failed++
					}
					continue
				}
				own = append(own, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, own...)
			failures += failed
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(latencies) == 0 {
		return loadResult{errors: failures}, fmt.Errorf("no request succeeded (%d failed)", failures)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	return loadResult{requests: int64(len(latencies)), rps: float64(len(latencies)) / elapsed.Seconds(),
		p50: pct(0.50), p99: pct(0.99), errors: failures}, nil
}
