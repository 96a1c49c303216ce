package qslocal

import (
	"fmt"
	"strings"
)

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string // everything after the fifth colon, e.g. "user/default/alice"
}

func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ParseARN splits an ARN into its parts.
func ParseARN(s string) (ARN, error) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] == "" || p[5] == "" {
		return ARN{}, fmt.Errorf("%q is not an ARN", s)
	}
	return ARN{Partition: p[1], Service: p[2], Region: p[3], Account: p[4], Resource: p[5]}, nil
}

// quickSightARN builds arn:aws:quicksight:{region}:{account}:{resource}.
func quickSightARN(region, account, resource string) string {
	return ARN{Partition: "aws", Service: "quicksight", Region: region, Account: account, Resource: resource}.String()
}

// UserARN is the ARN of a user: ...:user/{namespace}/{name}.
func UserARN(region, account, namespace, name string) string {
	return quickSightARN(region, account, userResource(namespace, name))
}

// GroupARN is the ARN of a group: ...:group/{namespace}/{name}.
func GroupARN(region, account, namespace, name string) string {
	return quickSightARN(region, account, groupResource(namespace, name))
}

// NamespaceARN is the ARN of a namespace: ...:namespace/{name}.
func NamespaceARN(region, account, name string) string {
	return quickSightARN(region, account, namespaceResource(name))
}

// CustomPermissionsARN is the ARN of a custom permissions profile:
// ...:custompermission/{name}.
func CustomPermissionsARN(region, account, name string) string {
	return quickSightARN(region, account, profileResource(name))
}
