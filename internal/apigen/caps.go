package apigen

import "github.com/qslocal/qslocal/internal/botocore"

// MaxString bounds, in characters, every string the model leaves
// unbounded and stringCaps does not name: generous for any text
// QuickSight takes, yet no single value can make every later answer
// that carries it huge (docs/behaviour.md, "String lengths").
const MaxString = 65536

// stringCaps are the bounds of unbounded string shapes where AWS's
// documents or the model itself say more (docs/behaviour.md).
var stringCaps = map[string]float64{
	// The model bounds the same name, as a group member
	// (GroupMemberName), at 256.
	"UserName": 256,
	// Groups' names follow users' (CreateRoleMembership takes one as
	// MemberName).
	"GroupName": 256,
	// An e-mail address: RFC 5321's 256-octet path less its brackets.
	"Email": 254,
	// IAM's bound on ARNs.
	"Arn": 2048, "ResourceArn": 2048, "CopySourceArn": 2048, "S3TableBucketArn": 2048,
}

// memberCaps bound members of the plain String shape by name: a user's
// Email is a String in the model.
var memberCaps = map[string]float64{"Email": 254}

// capStrings gives every unbounded string shape of m its bound, in
// copies of the shapes.
func capStrings(m *botocore.Model) {
	for name, s := range m.Shapes {
		if s.Type != "string" || isEnum(s) || s.Max != nil {
			continue
		}
		limit := float64(MaxString)
		if c, ok := stringCaps[name]; ok {
			limit = c
		}
		capped := *s
		capped.Max = &limit
		m.Shapes[name] = &capped
	}
}
