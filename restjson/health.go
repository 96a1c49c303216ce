package restjson

import (
	"context"
	"net/http"
	"time"

	"github.com/qslocal/qslocal"
)

// HealthPath answers whether this process can serve: for load balancers,
// orchestrators and people.
const HealthPath = ControlPrefix + "health"

// HealthTimeout bounds the health check's read of the store: a load
// balancer gives up on a check after a few seconds.
const HealthTimeout = 2 * time.Second

// Health configures the health check.
type Health struct {
	// Check reads from the store; nil error means it answers.
	Check func(ctx context.Context) error
	// Store, Version and Commit are reported in the answer: the store's
	// kind ("sqlite", "postgres") and what the binary was built from.
	Store, Version, Commit string
}

// healthOutput is the answer when the store answers.
type healthOutput struct {
	Status  string `json:"status"`
	Store   string `json:"store"`
	Version string `json:"version"`
	Commit  string `json:"commit"`
}

// health answers 200 when the store answers within HealthTimeout, else 503
// ResourceUnavailableException: the status is all a load balancer reads,
// and the error is the one every API call answers while the store is
// away, shaped and logged as every error is.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	outcomeOf(r.Context()).Operation = "Health"
	id := requestIDOf(r)
	ctx, cancel := context.WithTimeout(r.Context(), HealthTimeout)
	defer cancel()
	h := s.cfg.Health
	if err := h.Check(ctx); err != nil {
		s.cfg.Logger.WarnContext(ctx, "health check failed", "request_id", id, "error", err)
		s.writeError(r.Context(), w, id, &qslocal.Error{Code: qslocal.CodeResourceUnavailable,
			Message: "The service's database does not answer; retry later."})
		return
	}
	s.writeJSON(r.Context(), w, http.StatusOK, healthOutput{Status: "ok", Store: h.Store, Version: h.Version, Commit: h.Commit})
}
