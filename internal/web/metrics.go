package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/serviceportal/serviceportal/internal/store"
)

// metrics are the Prometheus series the portal exports. Each Server has its
// own registry, so tests can run several servers in one process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	shed     prometheus.Counter
}

func newMetrics(db *store.DB, version string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "serviceportal_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "serviceportal_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	m.shed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "serviceportal_http_requests_shed_total",
		Help: "Requests answered with 503 because the portal was at its concurrency limit.",
	})
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "serviceportal_build_info",
		Help:        "Always 1; labels name the version and database.",
		ConstLabels: prometheus.Labels{"version": version, "database": db.Dialect().String()},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.duration, m.shed, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
