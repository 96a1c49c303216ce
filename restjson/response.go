package restjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Error codes that are not in the model.
const (
	// CodeNotImplemented answers operations qslocal routes but has not
	// built; HTTP 501, which SDKs do not retry.
	CodeNotImplemented = "NotImplementedException"
	// CodeUnknownOperation answers a method and path that match no
	// operation of the model.
	CodeUnknownOperation = "UnknownOperationException"
)

// extraCodes are the statuses of codes outside the model.
var extraCodes = map[string]int{
	qslocal.CodeValidation: http.StatusBadRequest,
	CodeNotImplemented:     http.StatusNotImplemented,
	CodeUnknownOperation:   http.StatusNotFound,
	CodeInvalidSignature:   http.StatusForbidden,
	CodeRequestTimeout:     http.StatusRequestTimeout,
}

// awsStatus are the success statuses AWS answers where the model names
// none, each with its source in docs/behaviour.md ("Success statuses").
// QuickSight copies the status into the body's Status.
var awsStatus = map[string]int{
	"RegisterUser":   http.StatusCreated,
	"CreateGroup":    http.StatusCreated,
	"CreateAnalysis": http.StatusAccepted,
	"TagResource":    http.StatusAccepted,
	"UntagResource":  http.StatusNoContent,
	// Asynchronous creations, as CreateAnalysis.
	"CreateDataSource": http.StatusAccepted,
	"CreateTheme":      http.StatusAccepted,
	"CreateTemplate":   http.StatusAccepted,
	"CreateDashboard":  http.StatusAccepted,
	// A creation that starts a SPICE ingestion.
	"CreateDataSet": http.StatusCreated,
}

// SuccessStatus is the status an operation answers when it succeeds.
func SuccessStatus(op *api.Operation) int {
	if status, ok := awsStatus[op.Name]; ok {
		return status
	}
	return op.SuccessStatus
}

func (s *Server) writeJSON(ctx context.Context, w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // AWS does not escape <, > and &
	if err := enc.Encode(v); err != nil {
		s.writeError(ctx, w, qslocal.CallFrom(ctx).RequestID, fmt.Errorf("encoding the response: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	outcomeOf(ctx).Status = status
	w.WriteHeader(status)
	if status != http.StatusNoContent {
		_, _ = w.Write(b.Bytes())
	}
}

// writeError is the one way errors leave the server. *qslocal.Error keeps
// its code; validation failures are ValidationException; anything
// else is an InternalFailureException whose cause is logged, never sent.
func (s *Server) writeError(ctx context.Context, w http.ResponseWriter, id string, err error) {
	s.writeErrorStatus(ctx, w, id, err, 0)
}

// writeErrorStatus is writeError answering with status when it is not 0,
// for errors whose status is not the model's (see authStatus).
func (s *Server) writeErrorStatus(ctx context.Context, w http.ResponseWriter, id string, err error, override int) {
	var (
		qe  *qslocal.Error
		ve  *shape.ValidationError
		nie *shape.NotImplementedError
	)
	switch {
	case errors.As(err, &qe):
	case ctx.Err() != nil:
		s.cancelled(ctx, w, id, err)
		return
	case errors.As(err, &ve):
		qe = &qslocal.Error{Code: qslocal.CodeValidation, Message: ve.Error()}
	case errors.As(err, &nie):
		qe = &qslocal.Error{Code: CodeNotImplemented, Message: nie.Error()}
	case errors.Is(err, qslocal.ErrUnavailable):
		s.cfg.Logger.WarnContext(ctx, "store unavailable", "request_id", id, "error", err)
		qe = &qslocal.Error{Code: qslocal.CodeResourceUnavailable, Message: "The service's database is unavailable; retry later."}
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		qe = &qslocal.Error{Code: qslocal.CodeInternalFailure, Message: "The request was cancelled."}
	default:
		s.cfg.Logger.ErrorContext(ctx, "internal failure", "request_id", id, "error", err)
		qe = &qslocal.Error{Code: qslocal.CodeInternalFailure, Message: "An internal failure occurred. Request id " + id + "."}
	}
	status, withResourceType, withRequestID := http.StatusBadRequest, false, true
	if override != 0 {
		status = override
	} else if shape, ok := s.codes[qe.Code]; ok {
		status, withResourceType, withRequestID = shape.Status, shape.ResourceType, shape.RequestID
	} else if st, ok := extraCodes[qe.Code]; ok {
		status = st
	} else {
		s.cfg.Logger.ErrorContext(ctx, "error code not in the model", "request_id", id, "code", qe.Code)
	}
	body := map[string]string{"Message": qe.Message}
	if withRequestID {
		body["RequestId"] = id
	}
	if withResourceType && qe.ResourceType != "" {
		body["ResourceType"] = qe.ResourceType
	}
	if status >= 500 {
		s.cfg.Logger.WarnContext(ctx, "request failed", "request_id", id, "code", qe.Code, "status", status)
	} else {
		s.cfg.Logger.DebugContext(ctx, "request rejected", "request_id", id, "code", qe.Code, "status", status, "message", qe.Message)
	}
	b, _ := json.Marshal(body) // a map of strings always encodes
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h["X-Amzn-ErrorType"] = []string{qe.Code}
	out := outcomeOf(ctx)
	out.Status, out.ErrorCode = status, qe.Code
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// signedRegion is the region of the request's SigV4 credential scope
// (Authorization header or presigned query), or "" when unsigned.
func signedRegion(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); a != "" {
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	// AKID/date/region/service/aws4_request
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return ""
	}
	return parts[2]
}
