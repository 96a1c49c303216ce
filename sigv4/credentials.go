package sigv4

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/qslocal/qslocal"
	"sigs.k8s.io/yaml"
)

// Credential is one caller qslocal knows: its keys, who it is, and what it
// may do. It is an entry of the --credentials file.
type Credential struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// SessionToken, when set, must come with every request signed with
	// this key (X-Amz-Security-Token), as with temporary credentials.
	SessionToken string `json:"sessionToken,omitempty"`
	// Account is the AWS account the caller belongs to and acts in.
	Account string `json:"account"`
	// ARN names the caller in AccessDeniedException messages and in the
	// aws:PrincipalArn condition key; by default the account's root.
	ARN string `json:"arn,omitempty"`
	// Admin grants qslocal's own endpoints that change state.
	Admin bool `json:"admin,omitempty"`
	// Policies are IAM identity policies, evaluated with --enforce-iam.
	Policies []Policy `json:"policies,omitempty"`
}

// File is the document --credentials names.
type File struct {
	Credentials []Credential `json:"credentials"`
}

// ParseFile reads a credentials file, JSON or YAML, and checks every
// entry; an error names the entry and member at fault.
func ParseFile(data []byte) (*File, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		j, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fmt.Errorf("not JSON or YAML: %w", err)
		}
		data = j
	}
	var f File
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&f); err != nil {
		return nil, err
	}
	if len(f.Credentials) == 0 {
		return nil, fmt.Errorf("credentials: at least one credential is needed")
	}
	keys := map[string]bool{}
	for i := range f.Credentials {
		c := &f.Credentials[i]
		at := fmt.Sprintf("credentials[%d]", i)
		switch {
		case c.AccessKeyID == "" || strings.ContainsAny(c.AccessKeyID, "/, =\t\n"):
			return nil, fmt.Errorf("%s.accessKeyId: must be set, without '/', ',', '=' or spaces", at)
		case keys[c.AccessKeyID]:
			return nil, fmt.Errorf("%s.accessKeyId: %q is given twice", at, c.AccessKeyID)
		case c.SecretAccessKey == "":
			return nil, fmt.Errorf("%s.secretAccessKey: must be set", at)
		case !qslocal.IsAccountID(c.Account):
			return nil, fmt.Errorf("%s.account: must be 12 digits; got %q", at, c.Account)
		}
		keys[c.AccessKeyID] = true
		if c.ARN == "" {
			c.ARN = "arn:aws:iam::" + c.Account + ":root"
		}
		for j := range c.Policies {
			if err := c.Policies[j].check(); err != nil {
				return nil, fmt.Errorf("%s.policies[%d]: %w", at, j, err)
			}
		}
	}
	return &f, nil
}
