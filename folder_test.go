package qslocal_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// TestFolderRules walks one account through nesting, memberships,
// resolved permissions and deletion, a step at a time: each step is one
// call and the error code it must answer ("" for success).
func TestFolderRules(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := dataSourceService(t, &now, 0)
	acct := s("111122223333")
	arn := func(res string) string { return "arn:aws:quicksight:us-east-1:111122223333:" + res }
	for _, u := range []string{"alice", "bob"} {
		if _, err := svc.RegisterUser(ctx, &api.RegisterUserRequest{AwsAccountId: acct, Namespace: s("default"), UserName: s(u),
			Email: s(u + "@example.com"), IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("AUTHOR"))}); err != nil {
			t.Fatal(err)
		}
	}
	alice, bob := arn("user/default/alice"), arn("user/default/bob")
	if _, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a1"), Name: s("n"), Definition: &api.AnalysisDefinition{}}); err != nil {
		t.Fatal(err)
	}
	restricted, namespace := api.FolderTypeRestricted, api.SharingModelNamespace
	folder := func(id, parent string, perms ...api.ResourcePermission) func() error {
		return func() error {
			in := &api.CreateFolderRequest{AwsAccountId: acct, FolderId: s(id), Name: s("Folder " + id), Permissions: perms}
			if parent != "" {
				in.ParentFolderArn = s(parent)
			}
			_, err := svc.CreateFolder(ctx, in)
			return err
		}
	}
	membership := func(folder string, typ api.MemberType, id string) func() error {
		return func() error {
			out, err := svc.CreateFolderMembership(ctx, &api.CreateFolderMembershipRequest{AwsAccountId: acct, FolderId: s(folder), MemberType: &typ, MemberId: s(id)})
			if err == nil && (*out.FolderMember.MemberId != id || *out.FolderMember.MemberType != typ) {
				return fmt.Errorf("FolderMember %+v", out.FolderMember)
			}
			return err
		}
	}
	unmember := func(folder string, typ api.MemberType, id string) func() error {
		return func() error {
			_, err := svc.DeleteFolderMembership(ctx, &api.DeleteFolderMembershipRequest{AwsAccountId: acct, FolderId: s(folder), MemberType: &typ, MemberId: s(id)})
			return err
		}
	}
	deleteFolder := func(id string) func() error {
		return func() error {
			_, err := svc.DeleteFolder(ctx, &api.DeleteFolderRequest{AwsAccountId: acct, FolderId: s(id)})
			return err
		}
	}
	path := func(id, want string) func() error {
		return func() error {
			d, err := svc.DescribeFolder(ctx, &api.DescribeFolderRequest{AwsAccountId: acct, FolderId: s(id)})
			if err != nil {
				return err
			}
			var got []string
			for _, p := range d.Folder.FolderPath {
				got = append(got, strings.TrimPrefix(p, arn("folder/")))
			}
			if strings.Join(got, ",") != want {
				return fmt.Errorf("FolderPath of %s: %v, want %s", id, got, want)
			}
			return nil
		}
	}
	resolved := func(id, want string) func() error {
		return func() error {
			out, err := svc.DescribeFolderResolvedPermissions(ctx, &api.DescribeFolderResolvedPermissionsRequest{AwsAccountId: acct, FolderId: s(id)})
			if err != nil {
				return err
			}
			var got []string
			for _, p := range out.Permissions {
				got = append(got, strings.TrimPrefix(*p.Principal, arn("user/default/"))+"="+strings.Join(p.Actions, "+"))
			}
			if strings.Join(got, " ") != want {
				return fmt.Errorf("resolved permissions of %s: %v, want %s", id, got, want)
			}
			return nil
		}
	}
	foldersFor := func(res, want string) func() error {
		return func() error {
			out, err := svc.ListFoldersForResource(ctx, &api.ListFoldersForResourceRequest{AwsAccountId: acct, ResourceArn: s(arn(res))})
			if err != nil {
				return err
			}
			var got []string
			for _, f := range out.Folders {
				got = append(got, strings.TrimPrefix(f, arn("folder/")))
			}
			if strings.Join(got, ",") != want {
				return fmt.Errorf("folders of %s: %v, want %s", res, got, want)
			}
			return nil
		}
	}
	viewer := func(p string) api.ResourcePermission {
		return api.ResourcePermission{Principal: s(p), Actions: []string{"quicksight:describefolder"}}
	}
	steps := []struct {
		name string
		call func() error
		code string
	}{
		{"root", folder("root", "", viewer(alice)), ""},
		{"taken id", folder("root", ""), qslocal.CodeResourceExists},
		{"child", folder("child", arn("folder/root"), viewer(bob)), ""},
		{"grandchild", folder("grand", arn("folder/child")), ""},
		{"missing parent", folder("orphan", arn("folder/nope")), qslocal.CodeResourceNotFound},
		{"parent not a folder", folder("orphan", arn("analysis/a1")), qslocal.CodeInvalidParameterValue},
		{"parent of another account", folder("orphan", "arn:aws:quicksight:us-east-1:999988887777:folder/root"), qslocal.CodeInvalidParameterValue},
		{"restricted under shared", func() error {
			_, err := svc.CreateFolder(ctx, &api.CreateFolderRequest{AwsAccountId: acct, FolderId: s("r"), Name: s("r"), FolderType: &restricted, ParentFolderArn: s(arn("folder/root"))})
			return err
		}, qslocal.CodeInvalidParameterValue},
		{"namespace sharing at the root", func() error {
			_, err := svc.CreateFolder(ctx, &api.CreateFolderRequest{AwsAccountId: acct, FolderId: s("ns"), Name: s("ns"), FolderType: &restricted, SharingModel: &namespace})
			return err
		}, ""},
		{"path of root", path("root", ""), ""},
		{"path of grandchild", path("grand", "root,child"), ""},
		{"resolved through ancestors", resolved("grand", "alice=quicksight:DescribeFolder bob=quicksight:DescribeFolder"), ""},
		{"resolved at the root", resolved("root", "alice=quicksight:DescribeFolder"), ""},
		{"unknown action", folder("bad", "", api.ResourcePermission{Principal: s(alice), Actions: []string{"quicksight:DescribeAnalysis"}}), qslocal.CodeInvalidParameterValue},
		{"member analysis", membership("child", api.MemberTypeAnalysis, "a1"), ""},
		{"member twice", membership("child", api.MemberTypeAnalysis, "a1"), qslocal.CodeResourceExists},
		{"missing analysis", membership("child", api.MemberTypeAnalysis, "nope"), qslocal.CodeResourceNotFound},
		{"missing data source", membership("child", api.MemberTypeDatasource, "nope"), qslocal.CodeResourceNotFound},
		{"dashboard qslocal lacks", membership("child", api.MemberTypeDashboard, "d1"), qslocal.CodeResourceNotFound},
		{"member of a missing folder", membership("nope", api.MemberTypeAnalysis, "a1"), qslocal.CodeResourceNotFound},
		{"member of a second folder", membership("root", api.MemberTypeAnalysis, "a1"), ""},
		{"folders of the analysis", foldersFor("analysis/a1", "child,root"), ""},
		{"folders of a missing analysis", foldersFor("analysis/nope", ""), qslocal.CodeResourceNotFound},
		{"folders of a user", foldersFor("user/default/alice", ""), qslocal.CodeInvalidParameterValue},
		{"delete a folder with members and subfolders", deleteFolder("child"), qslocal.CodePreconditionNotMet},
		{"remove a member", unmember("child", api.MemberTypeAnalysis, "a1"), ""},
		{"remove it again", unmember("child", api.MemberTypeAnalysis, "a1"), qslocal.CodeResourceNotFound},
		{"delete a folder with a subfolder", deleteFolder("child"), qslocal.CodePreconditionNotMet},
		{"delete the grandchild", deleteFolder("grand"), ""},
		{"delete the emptied child", deleteFolder("child"), ""},
		{"delete a missing folder", deleteFolder("child"), qslocal.CodeResourceNotFound},
		{"deleting the analysis drops its memberships", func() error {
			_, err := svc.DeleteAnalysis(ctx, &api.DeleteAnalysisRequest{AwsAccountId: acct, AnalysisId: s("a1"), ForceDeleteWithoutRecovery: new(true)})
			return err
		}, ""},
		{"the root is empty again", deleteFolder("root"), ""},
	}
	for _, st := range steps {
		err := st.call()
		var qe *qslocal.Error
		switch {
		case st.code == "" && err != nil:
			t.Errorf("%s: %v", st.name, err)
		case st.code != "" && (!errors.As(err, &qe) || qe.Code != st.code):
			t.Errorf("%s: got %v, want %s", st.name, err, st.code)
		}
	}
}
