package restjson

import (
	"fmt"
	"net/http"

	"github.com/qslocal/qslocal"
)

// CodeInvalidSignature is AWS's answer (HTTP 403) to a request whose
// signature or credential scope it refuses.
const CodeInvalidSignature = "InvalidSignatureException"

// checkRegion refuses a request signed for a region that is not an AWS
// region name, in AWS's words for a scope it does not serve, before the
// region can reach an ARN.
func checkRegion(r *http.Request) error {
	region := signedRegion(r)
	if region == "" || qslocal.ValidRegion(region) {
		return nil
	}
	return &qslocal.Error{Code: CodeInvalidSignature,
		Message: fmt.Sprintf("Credential should be scoped to a valid region, not '%s'.", region)}
}
