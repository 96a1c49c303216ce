package apigen

import (
	"strings"
	"testing"

	"github.com/qslocal/qslocal/internal/botocore"
)

func TestConstName(t *testing.T) {
	tests := []struct{ typ, v, want string }{
		{"UserRole", "ADMIN_PRO", "UserRoleAdminPro"},
		{"FieldName", "assetName", "FieldNameAssetName"},
		{"FieldName", "DIRECT_QUICKSIGHT_OWNER", "FieldNameDirectQuicksightOwner"},
		{"X", "us-east-1", "XUsEast1"},
		{"X", "2X", "X2X"},
	}
	for _, tt := range tests {
		if got := constName(tt.typ, tt.v); got != tt.want {
			t.Errorf("constName(%s, %s) = %s, want %s", tt.typ, tt.v, got, tt.want)
		}
	}
}

// model builds a small model from shapes and one operation using them.
func model(shapes map[string]*botocore.Shape) *botocore.Model {
	return &botocore.Model{
		Operations: map[string]*botocore.Operation{"Op": {
			Name: "Op", HTTP: botocore.HTTP{Method: "POST", RequestURI: "/x/{Id}"},
			Input: &botocore.Ref{Shape: "OpRequest"}, Output: &botocore.Ref{Shape: "OpResponse"},
		}},
		Shapes: shapes,
	}
}

func TestGenerateSmallModel(t *testing.T) {
	max := 3.0
	m := model(map[string]*botocore.Shape{
		"OpRequest": {Type: "structure", Required: []string{"Id", "Names"}, Members: botocore.Members{
			{Name: "Id", Ref: botocore.Ref{Shape: "Id", Location: "uri", LocationName: "Id"}},
			{Name: "Names", Ref: botocore.Ref{Shape: "Names"}},
			{Name: "Count", Ref: botocore.Ref{Shape: "Int"}},
			{Name: "nextToken", Ref: botocore.Ref{Shape: "String", Location: "querystring", LocationName: "next-token"}},
		}},
		"OpResponse": {Type: "structure", Members: botocore.Members{
			{Name: "RequestId", Ref: botocore.Ref{Shape: "String"}},
			{Name: "Status", Ref: botocore.Ref{Shape: "Int", Location: "statusCode"}},
		}},
		"Id":     {Type: "string", Pattern: `^[a-z]+$`},
		"Names":  {Type: "list", Member: &botocore.Ref{Shape: "String"}, Max: &max},
		"String": {Type: "string"},
		"Int":    {Type: "integer"},
	})
	files, err := Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	// gofmt aligns columns; compare with runs of blanks folded.
	fold := func(b []byte) string { return strings.Join(strings.Fields(string(b)), " ") }
	shapes, validate, ops := fold(files["shapes_gen.go"]), fold(files["validate_gen.go"]), fold(files["operations_gen.go"])
	for _, want := range []string{
		"Id *string `json:\"-\"`", "Names []string `json:\"Names,omitzero\"`", "Count *int32 `json:\"Count,omitempty\"`", "NextToken *string `json:\"-\"`", "Status *int32 `json:\"-\"`",
	} {
		if !strings.Contains(shapes, want) {
			t.Errorf("shapes lack %q", want)
		}
	}
	for _, want := range []string{`v.Required(shape.Join(path, "Names"), s.Names != nil)`, "v.Count(", "patternId"} {
		if !strings.Contains(validate, want) {
			t.Errorf("validators lack %q", want)
		}
	}
	for _, want := range []string{`s.Id = shape.Path(r, "Id")`, `s.NextToken = shape.Query(q, "next-token")`, "s.RequestId = &requestID", `Name: "Op"`} {
		if !strings.Contains(ops, want) {
			t.Errorf("operations lack %q", want)
		}
	}
}

func TestGenerateRejectsUnsupported(t *testing.T) {
	m := model(map[string]*botocore.Shape{
		"OpRequest": {Type: "structure", Members: botocore.Members{
			{Name: "H", Ref: botocore.Ref{Shape: "String", Location: "header", LocationName: "X-H"}},
		}},
		"OpResponse": {Type: "structure"},
		"String":     {Type: "string"},
	})
	if _, err := Generate(m); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("header binding: %v", err)
	}
}
