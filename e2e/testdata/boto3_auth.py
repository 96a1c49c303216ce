"""Drives a qslocal started with --auth sigv4 (the credentials of
e2e/auth_test.go) through boto3: the right secret works, with a session
token too; a wrong secret, an unknown key and another account's resource
get AWS's codes, with HTTP 403.

Usage: boto3_auth.py ENDPOINT. Exits non-zero with a message on the first
deviation.
"""
import sys

import boto3
import botocore

endpoint = sys.argv[1]
A = dict(AwsAccountId="111122223333", Namespace="default")
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")


def client(key, secret, token=None):
    return boto3.client("quicksight", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def expect_error(code, message, call, **kw):
    try:
        call(**kw)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]
        status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        if got["Code"] != code or status != 403 or (message and got["Message"] != message):
            sys.exit(f"{call.__name__}: got {status} {got}, want 403 {code} {message!r}")
        return
    sys.exit(f"{call.__name__}: succeeded, want {code}")


admin = client("AKIDADMIN", "admin/secret")
admin.register_user(IdentityType="QUICKSIGHT", Email="a@example.com", UserRole="READER", UserName="a/b c", **A)
for qs in (client("AKIDALICE", "alice/secret"), client("ASIATEMP", "temp/secret", "FwoGZXIvYXdzEXAMPLE")):
    user = qs.describe_user(UserName="a/b c", **A)["User"]
    assert user["UserName"] == "a/b c", user
    qs.list_users(MaxResults=1, **A)

# botocore signs a path with its dot segments resolved.
try:
    client("AKIDALICE", "alice/secret").describe_user(UserName=".", **A)
    sys.exit("a user named '.' was found")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response

expect_error("InvalidSignatureException", MISMATCH, client("AKIDALICE", "wrong/secret").describe_user, UserName="a/b c", **A)
expect_error("UnrecognizedClientException", "The security token included in the request is invalid.",
             client("AKIDNOBODY", "x").list_users, **A)
expect_error("UnrecognizedClientException", "The security token included in the request is invalid.",
             client("ASIATEMP", "temp/secret", "forged").list_users, **A)
expect_error("AccessDeniedException",
             "User: arn:aws:iam::444455556666:user/other is not authorized to perform: quicksight:DescribeUser on resource: "
             "arn:aws:quicksight:us-east-1:111122223333:user/default/a/b c because no resource-based policy allows the quicksight:DescribeUser action",
             client("AKIDOTHER", "other/secret").describe_user, UserName="a/b c", **A)
print("boto3 signed run passed")
