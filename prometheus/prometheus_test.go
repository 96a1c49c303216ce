package prometheus_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/prometheus"
	"github.com/qslocal/qslocal/restjson"
	"github.com/qslocal/qslocal/sqlite"
)

// newServer serves a service on a throwaway SQLite store, with metrics.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	m := prometheus.New()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, ":memory:", sqlite.Config{Observer: m})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	m.CollectSize(store)
	svc, err := qslocal.NewService(ctx, qslocal.Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(restjson.New(restjson.Config{Handler: svc, Observer: m})))
	t.Cleanup(srv.Close)
	return srv
}

// scrape reads the metrics as Prometheus would: series (name and labels,
// as written) to value.
func scrape(t *testing.T, srv *httptest.Server) map[string]float64 {
	t.Helper()
	resp, err := http.Get(srv.URL + prometheus.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %s", resp.StatusCode, body)
	}
	series := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		series[line[:i]] = v
	}
	return series
}

func get(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestMetricsMove: requests move the request counter, the latency
// histogram, the error counter and the store's transaction histogram.
func TestMetricsMove(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	before := scrape(t, srv)
	for _, name := range []string{"go_goroutines", "qslocal_requests_in_flight", "qslocal_database_size_bytes"} {
		if _, ok := before[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	if before["qslocal_database_size_bytes"] <= 0 {
		t.Errorf("database size %v", before["qslocal_database_size_bytes"])
	}

	users := srv.URL + "/accounts/111122223333/namespaces/default/users"
	for range 3 {
		if status := get(t, users); status != 200 {
			t.Fatalf("ListUsers: %d", status)
		}
	}
	if status := get(t, srv.URL+"/no/such/operation"); status != 404 {
		t.Fatalf("unknown operation: %d", status)
	}
	after := scrape(t, srv)
	for series, want := range map[string]float64{
		`qslocal_requests_total{operation="ListUsers",status="200"}`:               3,
		`qslocal_request_duration_seconds_count{operation="ListUsers"}`:            3,
		`qslocal_request_duration_seconds_bucket{operation="ListUsers",le="+Inf"}`: 3,
		`qslocal_requests_total{operation="Unknown",status="404"}`:                 1,
		`qslocal_errors_total{code="UnknownOperationException"}`:                   1,
		`qslocal_requests_in_flight`:                                               0,
	} {
		if got := after[series] - before[series]; got != want {
			t.Errorf("%s moved by %v, want %v", series, got, want)
		}
	}
	if after[`qslocal_request_duration_seconds_sum{operation="ListUsers"}`] <= 0 {
		t.Error("ListUsers latency sum did not move")
	}
	// The account springs into existence (an update), then each listing
	// reads (a view).
	for _, kind := range []string{"update", "view"} {
		series := `qslocal_store_transaction_duration_seconds_count{kind="` + kind + `"}`
		if after[series] <= before[series] {
			t.Errorf("%s did not move: %v", series, after[series])
		}
	}
}

// TestMetricsPerServer: each server counts only its own requests.
func TestMetricsPerServer(t *testing.T) {
	t.Parallel()
	a, b := newServer(t), newServer(t)
	get(t, a.URL+"/no/such/operation")
	const series = `qslocal_requests_total{operation="Unknown",status="404"}`
	if got := scrape(t, a)[series]; got != 1 {
		t.Errorf("server a: %v", got)
	}
	if got, ok := scrape(t, b)[series]; ok {
		t.Errorf("server b counted another's request: %v", got)
	}
}

// TestHandlerPassesThrough: only GET /metrics is the metrics'; other
// methods and paths reach the API.
func TestHandlerPassesThrough(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, url := range []string{srv.URL + "/metrics/x", srv.URL + "/metricsx"} {
		if status := get(t, url); status != 404 {
			t.Errorf("GET %s: %d", url, status)
		}
	}
	resp, err := http.Post(srv.URL+"/metrics", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("X-Amzn-ErrorType") != restjson.CodeUnknownOperation {
		t.Errorf("POST /metrics: %d %v", resp.StatusCode, resp.Header)
	}
}
