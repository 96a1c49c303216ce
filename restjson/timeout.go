package restjson

import (
	"errors"
	"os"

	"github.com/qslocal/qslocal"
)

// CodeRequestTimeout answers (HTTP 408) a request whose body did not
// arrive within the server's read timeout; the AWS SDKs retry it by name.
const CodeRequestTimeout = "RequestTimeoutException"

// timedOut is the answer to a body read that failed with err when the
// read timeout passed, else nil.
func timedOut(err error) error {
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return nil
	}
	return &qslocal.Error{Code: CodeRequestTimeout, Message: "The request body did not arrive within the server's read timeout."}
}
