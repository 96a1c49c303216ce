// Package prometheus exposes qslocal's metrics in the Prometheus text
// format: it observes the requests restjson answers and the transactions
// a store runs, and serves them, with Go's and the process's, at /metrics.
package prometheus

import (
	"context"
	"net/http"
	"strconv"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/restjson"
)

// Path is where Handler serves the metrics.
const Path = "/metrics"

// sizeTimeout bounds reading the database size during a scrape, so that
// a database that does not answer does not hold the scrape up.
const sizeTimeout = 2 * time.Second

// Metrics records one server's metrics in a registry of its own, so that
// several servers can live in one process. It implements
// restjson.Observer and qslocal.StoreObserver.
type Metrics struct {
	reg       *prom.Registry
	requests  *prom.CounterVec
	errors    *prom.CounterVec
	latency   *prom.HistogramVec
	inFlight  prom.Gauge
	txLatency *prom.HistogramVec
	retries   *prom.CounterVec
}

var (
	_ restjson.Observer     = (*Metrics)(nil)
	_ qslocal.StoreObserver = (*Metrics)(nil)
)

// New makes the metrics, with the Go runtime's and the process's. No
// metric is labelled by account: accounts are unbounded, and each label
// value is a time series Prometheus keeps.
func New() *Metrics {
	m := &Metrics{
		reg: prom.NewRegistry(),
		requests: prom.NewCounterVec(prom.CounterOpts{
			Name: "qslocal_requests_total",
			Help: "Requests answered, by operation and HTTP status.",
		}, []string{"operation", "status"}),
		errors: prom.NewCounterVec(prom.CounterOpts{
			Name: "qslocal_errors_total",
			Help: "Requests answered with an error, by error code.",
		}, []string{"code"}),
		latency: prom.NewHistogramVec(prom.HistogramOpts{
			Name:    "qslocal_request_duration_seconds",
			Help:    "Time to answer a request, by operation.",
			Buckets: prom.DefBuckets,
		}, []string{"operation"}),
		inFlight: prom.NewGauge(prom.GaugeOpts{
			Name: "qslocal_requests_in_flight",
			Help: "Requests being answered now.",
		}),
		txLatency: prom.NewHistogramVec(prom.HistogramOpts{
			Name:    "qslocal_store_transaction_duration_seconds",
			Help:    "Time a store transaction took, retries included, by kind (update or view).",
			Buckets: prom.DefBuckets,
		}, []string{"kind"}),
		retries: prom.NewCounterVec(prom.CounterOpts{
			Name: "qslocal_store_retries_total",
			Help: "Store transactions started again (serialization failures, broken connections), by kind.",
		}, []string{"kind"}),
	}
	m.reg.MustRegister(m.requests, m.errors, m.latency, m.inFlight, m.txLatency, m.retries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CollectSize reports the store's database size, read on each scrape.
func (m *Metrics) CollectSize(s qslocal.Sizer) {
	m.reg.MustRegister(sizeCollector{s})
}

// Handler serves the metrics at GET Path and passes every other request
// to next, untouched.
func (m *Metrics) Handler(next http.Handler) http.Handler {
	// ContinueOnError: a database that does not answer its size still
	// leaves every other metric served.
	metrics := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == Path && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			metrics.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequestStarted implements restjson.Observer.
func (m *Metrics) RequestStarted() { m.inFlight.Inc() }

// RequestFinished implements restjson.Observer.
func (m *Metrics) RequestFinished(o restjson.Outcome) {
	m.inFlight.Dec()
	m.requests.WithLabelValues(o.Operation, strconv.Itoa(o.Status)).Inc()
	if o.ErrorCode != "" {
		m.errors.WithLabelValues(o.ErrorCode).Inc()
	}
	m.latency.WithLabelValues(o.Operation).Observe(o.Duration.Seconds())
}

// Transaction implements qslocal.StoreObserver.
func (m *Metrics) Transaction(kind string, d time.Duration) {
	m.txLatency.WithLabelValues(kind).Observe(d.Seconds())
}

// Retry implements qslocal.StoreObserver.
func (m *Metrics) Retry(kind string) { m.retries.WithLabelValues(kind).Inc() }

var sizeDesc = prom.NewDesc("qslocal_database_size_bytes", "Size of the store's database, read on each scrape.", nil, nil)

// sizeCollector asks the store its size when scraped, rather than on a
// timer, so that an idle server does no work.
type sizeCollector struct{ s qslocal.Sizer }

func (c sizeCollector) Describe(ch chan<- *prom.Desc) { ch <- sizeDesc }

func (c sizeCollector) Collect(ch chan<- prom.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), sizeTimeout)
	defer cancel()
	n, err := c.s.Size(ctx)
	if err != nil {
		ch <- prom.NewInvalidMetric(sizeDesc, err)
		return
	}
	ch <- prom.MustNewConstMetric(sizeDesc, prom.GaugeValue, float64(n))
}
