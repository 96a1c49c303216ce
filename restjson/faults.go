package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// FaultRule makes requests fail or slow down on purpose, so that test
// authors can exercise their retry logic. A rule applies to requests of
// Operation ("*" for every one), and of Account when set; each matching
// request triggers it with Probability (1 when unset), until it has fired
// Count times (no limit when 0). Every rule that fires for a request adds
// its LatencyMs; the first that fires with an Error (an error code of the
// model) answers it, with Message when set.
type FaultRule struct {
	Operation   string   `json:"operation"`
	Account     string   `json:"account,omitempty"`
	Error       string   `json:"error,omitempty"`
	Message     string   `json:"message,omitempty"`
	LatencyMs   int      `json:"latencyMs,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
	Count       int      `json:"count,omitempty"`
	// Fired is how often the rule has fired; only GET reports it.
	Fired int64 `json:"fired"`
}

// FaultRules is the document PUT /_qslocal/faults and --faults take.
type FaultRules struct {
	Rules []FaultRule `json:"rules"`
}

// maxFaultLatency bounds the wait of a rule, and of all the rules that fire
// for one request, so that none holds a request longer than a client would
// wait.
const maxFaultLatency = 5 * time.Minute

// DecodeFaults reads and checks a fault document.
func DecodeFaults(data []byte) (FaultRules, error) {
	var fr FaultRules
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&fr); err != nil {
		return fr, invalid("The fault rules are not a valid document: " + err.Error())
	}
	for i := range fr.Rules {
		r := &fr.Rules[i]
		at := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Operation == "":
			return fr, invalid(at + ".operation: name an operation, or * for every operation.")
		case r.Operation != "*" && !knownOperation(r.Operation):
			return fr, invalid(fmt.Sprintf("%s.operation: %q is not an operation of the model.", at, r.Operation))
		case r.Error != "" && !knownCode(r.Error):
			return fr, invalid(fmt.Sprintf("%s.error: %q is not an error code of the model.", at, r.Error))
		case r.Error == "" && r.LatencyMs == 0:
			return fr, invalid(at + ": a rule needs an error, a latencyMs, or both.")
		case r.LatencyMs < 0 || time.Duration(r.LatencyMs)*time.Millisecond > maxFaultLatency:
			return fr, invalid(fmt.Sprintf("%s.latencyMs: must be between 0 and %d.", at, maxFaultLatency.Milliseconds()))
		case r.Probability != nil && !(*r.Probability >= 0 && *r.Probability <= 1):
			return fr, invalid(at + ".probability: must be between 0 and 1.")
		case r.Count < 0:
			return fr, invalid(at + ".count: must not be negative.")
		}
		r.Fired = 0
	}
	if fr.Rules == nil {
		fr.Rules = []FaultRule{}
	}
	return fr, nil
}

func knownOperation(name string) bool {
	return slices.ContainsFunc(api.Operations, func(op api.Operation) bool { return op.Name == name }) ||
		name == fileSelfUpgrade.Name || name == describeUserAccess.Name || name == describeAssetAccess.Name
}

// knownCode: the model's error codes, and ValidationException, which AWS
// answers though the model does not declare it.
func knownCode(code string) bool {
	_, ok := api.ErrorShapes[code]
	return ok || code == qslocal.CodeValidation
}

// faults holds the rules in force; the zero value has none.
type faults struct {
	mu    sync.Mutex
	rules []FaultRule
}

func (f *faults) set(rules []FaultRule) {
	f.mu.Lock()
	f.rules = slices.Clone(rules)
	f.mu.Unlock()
}

func (f *faults) get() FaultRules {
	f.mu.Lock()
	defer f.mu.Unlock()
	return FaultRules{Rules: append([]FaultRule{}, f.rules...)}
}

// fire triggers the rules that apply to a request, counting each that
// fires: it returns their added latency and the first error among them
// (later error rules do not fire).
func (f *faults) fire(op, account string) (latency time.Duration, fault *FaultRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.rules {
		r := &f.rules[i]
		if r.Operation != "*" && r.Operation != op || r.Account != "" && r.Account != account {
			continue
		}
		if r.Count > 0 && r.Fired >= int64(r.Count) {
			continue
		}
		if r.Probability != nil && rand.Float64() >= *r.Probability {
			continue
		}
		if r.Error != "" && fault != nil {
			// Another error answers: this one neither fires nor counts,
			// so that its count is spent only on answers.
			continue
		}
		r.Fired++
		latency = min(latency+time.Duration(r.LatencyMs)*time.Millisecond, maxFaultLatency)
		if r.Error != "" {
			c := *r
			fault = &c
		}
	}
	return latency, fault
}

// inject applies the faults that fire for a request about to run: it
// waits, and returns the error to answer with, if any.
func (s *Server) inject(ctx context.Context, op, account string) error {
	latency, r := s.faults.fire(op, account)
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	if r == nil {
		return nil
	}
	msg := r.Message
	if msg == "" {
		msg = faultMessages[r.Error]
	}
	if msg == "" {
		msg = strings.TrimSuffix(r.Error, "Exception") + " (a fault injected by qslocal)."
	}
	return &qslocal.Error{Code: r.Error, Message: msg}
}

// faultMessages are the messages AWS sends with the codes clients retry.
var faultMessages = map[string]string{
	qslocal.CodeThrottling:          "Rate exceeded.",
	qslocal.CodeInternalFailure:     "An internal failure occurred.",
	qslocal.CodeResourceUnavailable: "The resource is unavailable; retry later.",
}

// SetFaults replaces the fault rules in force.
func (s *Server) SetFaults(fr FaultRules) { s.faults.set(fr.Rules) }
