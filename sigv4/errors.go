package sigv4

import "github.com/qslocal/qslocal"

// Error codes of AWS's authentication layer. None is in the QuickSight
// model; AWS answers each with HTTP 403 on rest-json services such as
// QuickSight (docs/behaviour.md, "Signed requests").
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationTokenException"
	CodeUnrecognizedClient         = "UnrecognizedClientException"
	CodeInvalidSignature           = "InvalidSignatureException"
	CodeIncompleteSignature        = "IncompleteSignatureException"
)

// Codes are the codes this package answers with, each HTTP 403.
var Codes = []string{CodeMissingAuthenticationToken, CodeUnrecognizedClient, CodeInvalidSignature,
	CodeIncompleteSignature, qslocal.CodeAccessDenied}

const (
	msgMissingToken = "Missing Authentication Token"
	msgBadToken     = "The security token included in the request is invalid."
	msgMismatch     = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)

func incomplete(msg string) error {
	return &qslocal.Error{Code: CodeIncompleteSignature, Message: msg}
}

func invalidSignature(msg string) error {
	return &qslocal.Error{Code: CodeInvalidSignature, Message: msg}
}

func unrecognized() error {
	return &qslocal.Error{Code: CodeUnrecognizedClient, Message: msgBadToken}
}
