//! Posture findings from the other integrations: Macie, IAM Access Analyzer, IoT Device
//! Defender audit, Prowler, and a private custom product importing via product/{acct}/default.

use serde_json::{Map, Value, json};

use super::super::generate::{Ctx, Draft, ts};
use super::super::resources::{self, Named};

fn draft(
    ctx: &Ctx,
    id: String,
    product: (&str, &'static str, &'static str),
    generator: String,
    types: &[&str],
) -> Draft {
    let (arn_tail, name, company) = product;
    Draft {
        id,
        product_arn: format!("arn:aws:securityhub:{}::product/{arn_tail}", ctx.region),
        product_name: name,
        company_name: company,
        generator_id: generator,
        types: types.iter().map(|t| t.to_string()).collect(),
        title: String::new(),
        description: String::new(),
        severity: "INFORMATIONAL",
        resources: Vec::new(),
        extra: Map::new(),
        product_fields: Map::new(),
        passed: false,
    }
}

/// (finding type, ASFF type, severity, title)
#[rustfmt::skip]
const MACIE: &[(&str, &str, &str, &str)] = &[
    ("Policy:IAMUser/S3BlockPublicAccessDisabled", "Effects/Data Exposure/Policy:IAMUser-S3BlockPublicAccessDisabled", "HIGH", "Block Public Access settings are disabled for the S3 bucket"),
    ("Policy:IAMUser/S3BucketPublic", "Effects/Data Exposure/Policy:IAMUser-S3BucketPublic", "HIGH", "The S3 bucket is publicly accessible"),
    ("Policy:IAMUser/S3BucketSharedExternally", "Effects/Data Exposure/Policy:IAMUser-S3BucketSharedExternally", "HIGH", "The S3 bucket is shared with an external AWS account"),
    ("Policy:IAMUser/S3BucketEncryptionDisabled", "Software and Configuration Checks/AWS Security Best Practices/Policy:IAMUser-S3BucketEncryptionDisabled", "LOW", "Default encryption is disabled for the S3 bucket"),
    ("SensitiveData:S3Object/Personal", "Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal", "MEDIUM", "The S3 object contains personal information."),
    ("SensitiveData:S3Object/Credentials", "Sensitive Data Identifications/Passwords/SensitiveData:S3Object-Credentials", "HIGH", "The S3 object contains credentials data."),
    ("SensitiveData:S3Object/Financial", "Sensitive Data Identifications/Financial/SensitiveData:S3Object-Financial", "MEDIUM", "The S3 object contains financial information."),
    ("SensitiveData:S3Object/Multiple", "Sensitive Data Identifications/PII/SensitiveData:S3Object-Multiple", "HIGH", "The S3 object contains multiple categories of sensitive data."),
];

pub fn macie(ctx: &mut Ctx) -> Draft {
    let (ty, asff_type, severity, title) = *ctx.rng.pick(MACIE);
    let bucket = resources::s3_bucket(ctx);
    let uid = ctx.uid();
    let id = format!(
        "arn:aws:macie2:{}:{}:finding/{uid}",
        ctx.region, ctx.account
    );
    let mut d = draft(
        ctx,
        id,
        ("aws/macie", "Macie", "Amazon"),
        "aws/macie".into(),
        &[asff_type],
    );
    d.title = title.to_string();
    d.severity = severity;
    let mut resources = vec![bucket.resource];
    if ty.starts_with("SensitiveData") {
        let file = *ctx.rng.pick(&[
            "customers.csv",
            "export-2024-q3.parquet",
            "backup/users.json",
            "hr/payroll.xlsx",
            "tmp/config.env",
        ]);
        let object = format!("arn:aws:s3:::{}/{file}", bucket.name);
        let count = ctx.rng.range(1, 5000);
        d.description =
            format!("The object contains {count} occurrences of sensitive data ({ty}).");
        resources.push(json!({"Type": "AwsS3Object", "Id": object, "Partition": "aws", "Region": ctx.region,
            "Details": {"AwsS3Object": {"LastModified": ts(ctx.created), "ETag": ctx.rng.hex(32), "ContentType": "application/octet-stream", "ServerSideEncryption": "AES256"}}}));
        d.product_fields
            .insert("S3Object.Path".into(), json!(object));
        d.product_fields.insert(
            "ClassificationDetails.Result.SensitiveData.TotalCount".into(),
            json!(count.to_string()),
        );
    } else {
        d.description = format!(
            "{title}: {}. Macie found the issue during its daily bucket evaluation.",
            bucket.name
        );
    }
    d.resources = resources;
    d.set(
        "SourceUrl",
        json!(format!(
            "https://{0}.console.aws.amazon.com/macie/home?region={0}#findings",
            ctx.region
        )),
    );
    d
}

pub fn access_analyzer(ctx: &mut Ctx) -> Draft {
    let external = *ctx
        .rng
        .pick(&["444455556666", "111122223333", "210987654321", "*"]);
    let public = external == "*";
    let (target, asff_type, action): (Named, &str, &str) = match ctx.rng.below(5) {
        0 | 1 => (
            resources::s3_bucket(ctx),
            "AWS::S3::Bucket",
            "s3:GetObject,s3:ListBucket",
        ),
        2 => (resources::iam_role(ctx), "AWS::IAM::Role", "sts:AssumeRole"),
        3 => (
            resources::kms_key(ctx),
            "AWS::KMS::Key",
            "kms:Decrypt,kms:GenerateDataKey",
        ),
        _ => (
            resources::lambda(ctx),
            "AWS::Lambda::Function",
            "lambda:InvokeFunction",
        ),
    };
    let analyzer = if ctx.rng.chance(50) {
        "org-analyzer"
    } else {
        "account-analyzer"
    };
    let id = format!(
        "arn:aws:access-analyzer:{}:{}:analyzer/{analyzer}/{}",
        ctx.region, ctx.account, target.arn
    );
    let kind = if public {
        "public access"
    } else {
        "cross-account access"
    };
    let finding_type =
        "Software and Configuration Checks/AWS Security Best Practices/External Access Granted";
    let mut d = draft(
        ctx,
        id,
        ("aws/access-analyzer", "IAM Access Analyzer", "AWS"),
        "aws/access-analyzer".into(),
        &[finding_type],
    );
    let ty = target.resource["Type"]
        .as_str()
        .unwrap_or("Other")
        .to_string();
    d.title = format!("{ty}/{}/ allows {kind}", target.arn);
    d.description = if public {
        format!("{asff_type}/{}/ allows public access", target.arn)
    } else {
        format!(
            "{asff_type}/{}/ allows cross-account access from AWS {external}",
            target.arn
        )
    };
    d.severity = if public { "HIGH" } else { "LOW" };
    let mut resource = target.resource;
    resource["Details"] = json!({"Other": {"External Principal Type": "AWS", "Condition": "none", "Action Granted": action, "External Principal": external}});
    d.resources = vec![resource];
    d.set("Remediation", json!({"Recommendation": {"Text": "If the access isn't intended, it indicates a potential security risk. Use the console for the resource to modify or remove the policy that grants the unintended access."}}));
    d
}

/// (check, reason code, resource type, severity, what is wrong)
#[rustfmt::skip]
const IOT_CHECKS: &[(&str, &str, &str, &str, &str)] = &[
    ("IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", "IOT_POLICY", "CRITICAL", "Policy allows broad access to IoT data plane actions: [iot:Connect, iot:Publish]."),
    ("DEVICE_CERTIFICATE_EXPIRING_CHECK", "CERTIFICATE_APPROACHING_EXPIRATION", "DEVICE_CERTIFICATE", "MEDIUM", "Certificate is approaching expiration."),
    ("DEVICE_CERTIFICATE_SHARED_CHECK", "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES", "DEVICE_CERTIFICATE", "CRITICAL", "Certificate is being used concurrently by multiple devices."),
    ("CA_CERTIFICATE_KEY_QUALITY_CHECK", "CERTIFICATE_KEY_VULNERABILITY", "CA_CERTIFICATE", "CRITICAL", "Certificate key has insufficient strength (RSA 1024)."),
    ("LOGGING_DISABLED_CHECK", "LOGGING_DISABLED", "ACCOUNT_SETTINGS", "LOW", "AWS IoT logs are not enabled in CloudWatch."),
    ("CONFLICTING_CLIENT_IDS_CHECK", "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS", "CLIENT_ID", "HIGH", "Multiple connections were made using the same client id."),
    ("REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK", "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE", "DEVICE_CERTIFICATE", "MEDIUM", "A revoked device certificate is still active."),
    ("IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK", "ALLOWS_BROAD_ACCESS_TO_USED_SERVICES", "ROLE_ALIAS", "MEDIUM", "The role alias grants broad access to services used by devices."),
    ("UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK", "ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "COGNITO_IDENTITY_POOL", "CRITICAL", "The unauthenticated Cognito role allows IoT admin actions."),
];

pub fn iot(ctx: &mut Ctx) -> Draft {
    let (check, reason, resource_type, severity, why) = *ctx.rng.pick(IOT_CHECKS);
    let task = ctx.rng.hex(32);
    let (resource, key) = match resource_type {
        "IOT_POLICY" => {
            let policy = resources::iot_policy(ctx);
            let version = policy.resource["Details"]["Other"]["PolicyVersionId"]
                .as_str()
                .unwrap_or("1")
                .to_string();
            (policy.resource, format!("{}/{version}", policy.name))
        }
        "ACCOUNT_SETTINGS" => (resources::account(ctx).resource, ctx.account.to_string()),
        _ => {
            let cert = ctx.rng.hex(64);
            let arn = format!("arn:aws:iot:{}:{}:cert/{cert}", ctx.region, ctx.account);
            (
                json!({"Type": "Other", "Id": arn, "Partition": "aws", "Region": ctx.region, "Details": {"Other": {"ResourceType": resource_type}}}),
                cert,
            )
        }
    };
    let id = format!("{}/{resource_type}/{key}/{check}/{reason}", ctx.account);
    let finding_id = ctx.uid();
    let mut d = draft(
        ctx,
        id,
        (
            "aws/iot-device-defender-audit",
            "IoT Device Defender - Audit",
            "AWS",
        ),
        finding_id.clone(),
        &["Software and Configuration Check/Vulnerabilities"],
    );
    d.title = format!("{check}: {reason}");
    d.description = format!(
        "{resource_type} {key} is reported as non-compliant for {check} by Audit task {task}. The non-compliant reason is {why}"
    );
    d.severity = severity;
    d.resources = vec![resource];
    for (k, v) in [
        ("CheckName", check.to_string()),
        ("TaskId", task),
        ("TaskType", "SCHEDULED_AUDIT_TASK".into()),
        ("IsSuppressed", "false".into()),
        ("ReasonForNonComplianceCode", reason.into()),
        ("ResourceType", resource_type.into()),
        ("FindingId", finding_id),
        ("ReportType", "AuditFinding".into()),
    ] {
        d.product_fields.insert(k.into(), Value::String(v));
    }
    d
}

/// (check id, title, severity, category, resource kind)
#[rustfmt::skip]
const PROWLER: &[(&str, &str, &str, &str, u8)] = &[
    ("iam_root_mfa_enabled", "Ensure MFA is enabled for the root account", "CRITICAL", "IAM", 0),
    ("iam_no_root_access_key", "Ensure no root account access key exists", "CRITICAL", "IAM", 0),
    ("s3_bucket_public_access", "Ensure there are no S3 buckets open to Everyone or Any AWS user.", "HIGH", "Data Protection", 1),
    ("s3_bucket_default_encryption", "Check if S3 buckets have default encryption (SSE) enabled or use a bucket policy to enforce it.", "MEDIUM", "Data Protection", 1),
    ("ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", "Ensure no security groups allow ingress from 0.0.0.0/0 or ::/0 to SSH port 22.", "HIGH", "Infrastructure Security", 2),
    ("iam_user_mfa_enabled_console_access", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password.", "HIGH", "IAM", 3),
    ("rds_instance_storage_encrypted", "Check if RDS instances storage is encrypted.", "MEDIUM", "Data Protection", 4),
    ("kms_cmk_rotation_enabled", "Ensure rotation for customer created KMS CMKs is enabled.", "MEDIUM", "Data Protection", 5),
    ("awslambda_function_no_secrets_in_variables", "Find secrets in Lambda functions variables.", "CRITICAL", "Secrets", 6),
    ("cloudtrail_multi_region_enabled", "Ensure CloudTrail is enabled in all regions", "HIGH", "Logging and Monitoring", 0),
];

pub fn prowler(ctx: &mut Ctx) -> Draft {
    let (check, title, severity, category, kind) = *ctx.rng.pick(PROWLER);
    let target = match kind {
        1 => resources::s3_bucket(ctx),
        2 => resources::security_group(ctx, 22),
        3 => resources::iam_user(ctx),
        4 => resources::rds_instance(ctx),
        5 => resources::kms_key(ctx),
        6 => resources::lambda(ctx),
        _ => resources::account(ctx),
    };
    let passed = ctx.rng.chance(22);
    let hash = super::super::resources::stable_hex(&[&target.arn, check], 9);
    let id = format!("prowler-{check}-{}-{}-{hash}", ctx.account, ctx.region);
    let mut d = draft(
        ctx,
        id,
        ("prowler/prowler", "Prowler", "Prowler"),
        format!("prowler-{check}"),
        &[category],
    );
    d.title = title.to_string();
    d.description = if passed {
        format!("{} passes {check}.", target.name)
    } else {
        format!("{} fails {check}.", target.name)
    };
    d.severity = severity;
    d.passed = passed;
    d.product_fields
        .insert("ProviderName".into(), json!("Prowler"));
    d.product_fields
        .insert("ProviderVersion".into(), json!("3.11.3"));
    d.product_fields
        .insert("ProwlerResourceName".into(), json!(target.arn));
    d.resources = vec![target.resource];
    d.set(
        "Compliance",
        json!({"Status": if passed { "PASSED" } else { "FAILED" }, "RelatedRequirements": ["CIS-1.5", "CIS-2.0"],
            "AssociatedStandards": [{"StandardsId": "CIS-1.5"}, {"StandardsId": "CIS-2.0"}]}),
    );
    d.set("Remediation", json!({"Recommendation": {"Text": format!("See the Prowler check {check} for remediation steps."),
        "Url": "https://docs.prowler.com/projects/prowler-open-source/en/latest/"}}));
    d
}

/// (check, title, severity, ASFF type, resource kind)
#[rustfmt::skip]
const CUSTOM: &[(&str, &str, &str, &str, u8)] = &[
    ("root-login", "Root user signed in to the console", "HIGH", "Unusual Behaviors/User", 0),
    ("leaked-access-key", "IAM access key found in a public code repository", "CRITICAL", "Sensitive Data Identifications/Passwords", 1),
    ("sg-change-outside-window", "Security group changed outside the change window", "LOW", "Software and Configuration Checks/Change Management", 2),
    ("db-backup-missing", "Production database has no backup plan", "MEDIUM", "Software and Configuration Checks/AWS Security Best Practices", 3),
    ("new-admin-role", "New role with AdministratorAccess created", "INFORMATIONAL", "Software and Configuration Checks/Change Management", 4),
];

pub fn custom(ctx: &mut Ctx) -> Draft {
    let (check, title, severity, asff_type, kind) = *ctx.rng.pick(CUSTOM);
    let target = match kind {
        1 => resources::access_key(ctx),
        2 => resources::security_group(ctx, 443),
        3 => resources::rds_instance(ctx),
        4 => resources::iam_role(ctx),
        _ => resources::account(ctx),
    };
    let id = format!("secops-scanner/{check}/{}", ctx.uid());
    let mut d = draft(
        ctx,
        id,
        ("", "Default", "Personal"),
        format!("secops-scanner/{check}"),
        &[asff_type],
    );
    // A private integration's ProductArn carries the importing account.
    d.product_arn = format!(
        "arn:aws:securityhub:{}:{}:product/{}/default",
        ctx.region, ctx.account, ctx.account
    );
    d.title = title.to_string();
    d.description = format!(
        "{title}: {} ({}). Raised by the in-house secops-scanner.",
        target.name, target.arn
    );
    d.severity = severity;
    d.resources = vec![target.resource];
    d.set(
        "SourceUrl",
        json!(format!("https://secops.example.com/findings/{check}")),
    );
    d
}
