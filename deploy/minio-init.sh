#!/bin/sh
# One-shot set-up of MinIO for Coachreel (run by the `minio-init` service with minio/mc):
# create the bucket named in STORAGE_URL, keep it private, and give the app its own user that
# may use that bucket only (the root credentials stay with MinIO). Safe to run again.
set -eu

bucket=${STORAGE_URL#s3://}
bucket=${bucket%%/*}

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$bucket"
# Classroom video of children: no anonymous access, ever. Media reaches browsers through the
# app (STORAGE_PROXY=true) or through short-lived presigned URLs.
mc anonymous set none "local/$bucket"

cat > /tmp/coachreel-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::$bucket"]},
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": ["arn:aws:s3:::$bucket/*"]}
  ]
}
POLICY
mc admin policy create local coachreel-app /tmp/coachreel-policy.json
mc admin user add local "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
# Attaching a policy the user already has is reported as an error: that is fine on a re-run.
mc admin policy attach local coachreel-app --user "$AWS_ACCESS_KEY_ID" 2>/dev/null || true
echo "MinIO bucket $bucket is ready (private; app user $AWS_ACCESS_KEY_ID)."
