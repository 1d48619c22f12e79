//! Security Hub CSPM control findings in the consolidated format (one finding per control
//! and resource, `security-control/<Id>`), with Compliance blocks naming the standards.

use serde_json::{Map, json};

use super::super::generate::{Ctx, Draft};
use super::super::resources::{self, Named};

#[derive(Clone, Copy)]
enum Target {
    Bucket,
    Instance,
    OpenPort(u16),
    Role,
    User,
    Lambda,
    Rds,
    Kms,
    Account,
    Trail,
    Repository,
}

const FSBP: &str = "standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS: &str = "standards/cis-aws-foundations-benchmark/v/1.4.0";
const PCI: &str = "standards/pci-dss/v/3.2.1";
const NIST: &str = "standards/nist-800-53/v/5.0.0";

struct Control {
    id: &'static str,
    title: &'static str,
    severity: &'static str,
    target: Target,
    standards: &'static [&'static str],
    requirements: &'static [&'static str],
    /// Why a resource fails, as Security Hub's StatusReasons describe it.
    failed_because: &'static str,
    config_rule: &'static str,
}

#[rustfmt::skip]
const CONTROLS: &[Control] = &[
    Control { id: "S3.1", title: "S3 general purpose buckets should have block public access settings enabled", severity: "MEDIUM", target: Target::Account, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/2.1.5", "NIST.800-53.r5 AC-21", "NIST.800-53.r5 AC-3"], failed_because: "Account-level S3 Block Public Access is not fully enabled.", config_rule: "s3-account-level-public-access-blocks-periodic" },
    Control { id: "S3.2", title: "S3 general purpose buckets should block public read access", severity: "CRITICAL", target: Target::Bucket, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/1.2.1", "PCI DSS v3.2.1/1.3.1", "NIST.800-53.r5 AC-3"], failed_because: "The bucket policy or ACL allows public read access.", config_rule: "s3-bucket-public-read-prohibited" },
    Control { id: "S3.5", title: "S3 general purpose buckets should require requests to use SSL", severity: "MEDIUM", target: Target::Bucket, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/2.1.2", "NIST.800-53.r5 SC-8"], failed_because: "The bucket policy does not deny requests where aws:SecureTransport is false.", config_rule: "s3-bucket-ssl-requests-only" },
    Control { id: "S3.8", title: "S3 general purpose buckets should block public access", severity: "HIGH", target: Target::Bucket, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/2.1.5", "NIST.800-53.r5 AC-21", "NIST.800-53.r5 SC-7"], failed_because: "Bucket-level Block Public Access settings are not all enabled.", config_rule: "s3-bucket-level-public-access-prohibited" },
    Control { id: "S3.9", title: "S3 general purpose buckets should have server access logging enabled", severity: "MEDIUM", target: Target::Bucket, standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 AU-2", "NIST.800-53.r5 AU-12"], failed_because: "Server access logging is not enabled for the bucket.", config_rule: "s3-bucket-logging-enabled" },
    Control { id: "EC2.2", title: "VPC default security groups should not allow inbound or outbound traffic", severity: "HIGH", target: Target::OpenPort(0), standards: &[FSBP, CIS, PCI, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/5.3", "PCI DSS v3.2.1/1.2.1", "NIST.800-53.r5 SC-7"], failed_because: "The default security group has inbound or outbound rules.", config_rule: "vpc-default-security-group-closed" },
    Control { id: "EC2.8", title: "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", severity: "HIGH", target: Target::Instance, standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 AC-3", "NIST.800-53.r5 AC-6"], failed_because: "MetadataOptions.HttpTokens is optional, so IMDSv1 is still allowed.", config_rule: "ec2-imdsv2-check" },
    Control { id: "EC2.18", title: "Security groups should only allow unrestricted incoming traffic for authorized ports", severity: "HIGH", target: Target::OpenPort(8080), standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 AC-4", "NIST.800-53.r5 SC-7"], failed_because: "An ingress rule allows 0.0.0.0/0 to a port that is not authorized.", config_rule: "vpc-sg-open-only-to-authorized-ports" },
    Control { id: "EC2.19", title: "Security groups should not allow unrestricted access to ports with high risk", severity: "CRITICAL", target: Target::OpenPort(3389), standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 AC-4", "NIST.800-53.r5 SC-7(21)"], failed_because: "An ingress rule allows 0.0.0.0/0 to a high-risk port.", config_rule: "vpc-sg-restricted-common-ports" },
    Control { id: "EC2.53", title: "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", severity: "HIGH", target: Target::OpenPort(22), standards: &[CIS], requirements: &["CIS AWS Foundations Benchmark v3.0.0/5.2"], failed_because: "An ingress rule allows 0.0.0.0/0 to port 22.", config_rule: "vpc-sg-port-restriction-check" },
    Control { id: "EC2.7", title: "EBS default encryption should be enabled", severity: "MEDIUM", target: Target::Account, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/2.2.1", "NIST.800-53.r5 SC-28"], failed_because: "EBS encryption by default is disabled in this Region.", config_rule: "ec2-ebs-encryption-by-default" },
    Control { id: "IAM.3", title: "IAM users' access keys should be rotated every 90 days or less", severity: "MEDIUM", target: Target::User, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/1.14", "NIST.800-53.r5 AC-2(1)"], failed_because: "An active access key is older than 90 days.", config_rule: "access-keys-rotated" },
    Control { id: "IAM.4", title: "IAM root user access key should not exist", severity: "CRITICAL", target: Target::Account, standards: &[FSBP, CIS, PCI, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/1.4", "PCI DSS v3.2.1/2.1", "NIST.800-53.r5 AC-2(1)"], failed_because: "The root user has an active access key.", config_rule: "iam-root-access-key-check" },
    Control { id: "IAM.5", title: "MFA should be enabled for all IAM users that have a console password", severity: "MEDIUM", target: Target::User, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/1.10", "NIST.800-53.r5 IA-2(1)"], failed_because: "The user has a console password and no MFA device.", config_rule: "mfa-enabled-for-iam-console-access" },
    Control { id: "IAM.6", title: "Hardware MFA should be enabled for the root user", severity: "CRITICAL", target: Target::Account, standards: &[FSBP, CIS, PCI, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/1.6", "PCI DSS v3.2.1/8.3.1", "NIST.800-53.r5 IA-2(1)"], failed_because: "The root user uses a virtual MFA device, not a hardware one.", config_rule: "root-account-hardware-mfa-enabled" },
    Control { id: "IAM.8", title: "Unused IAM user credentials should be removed", severity: "MEDIUM", target: Target::User, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/8.1.4", "NIST.800-53.r5 AC-2(3)"], failed_because: "The user has a password or access key unused for 90 days.", config_rule: "iam-user-unused-credentials-check" },
    Control { id: "IAM.21", title: "IAM customer managed policies that you create should not allow wildcard actions for services", severity: "LOW", target: Target::Role, standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 AC-6"], failed_because: "An attached customer managed policy allows service:* actions.", config_rule: "iam-policy-no-statements-with-full-access" },
    Control { id: "Lambda.1", title: "Lambda function policies should prohibit public access", severity: "CRITICAL", target: Target::Lambda, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/1.2.1", "NIST.800-53.r5 AC-21"], failed_because: "The resource-based policy allows invocation by any principal.", config_rule: "lambda-function-public-access-prohibited" },
    Control { id: "Lambda.2", title: "Lambda functions should use supported runtimes", severity: "MEDIUM", target: Target::Lambda, standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 CM-2", "NIST.800-53.r5 SI-2"], failed_because: "The function runtime is deprecated.", config_rule: "lambda-function-settings-check" },
    Control { id: "RDS.2", title: "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration", severity: "CRITICAL", target: Target::Rds, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/1.2.1", "NIST.800-53.r5 AC-4", "NIST.800-53.r5 SC-7"], failed_because: "PubliclyAccessible is true.", config_rule: "rds-instance-public-access-check" },
    Control { id: "RDS.3", title: "RDS DB instances should have encryption at-rest enabled", severity: "MEDIUM", target: Target::Rds, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/2.3.1", "NIST.800-53.r5 SC-28"], failed_because: "StorageEncrypted is false.", config_rule: "rds-storage-encrypted" },
    Control { id: "KMS.4", title: "AWS KMS key rotation should be enabled", severity: "MEDIUM", target: Target::Kms, standards: &[FSBP, CIS, PCI, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/3.8", "PCI DSS v3.2.1/3.6.4", "NIST.800-53.r5 SC-12"], failed_because: "Automatic key rotation is disabled.", config_rule: "cmk-backing-key-rotation-enabled" },
    Control { id: "CloudTrail.1", title: "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", severity: "HIGH", target: Target::Account, standards: &[FSBP, CIS, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/3.1", "NIST.800-53.r5 AU-2"], failed_because: "No multi-Region trail records read and write management events.", config_rule: "multi-region-cloudtrail-enabled" },
    Control { id: "CloudTrail.2", title: "CloudTrail should have encryption at-rest enabled", severity: "MEDIUM", target: Target::Trail, standards: &[FSBP, CIS, PCI, NIST], requirements: &["PCI DSS v3.2.1/3.4", "CIS AWS Foundations Benchmark v1.4.0/3.7", "NIST.800-53.r5 SC-28"], failed_because: "The trail has no KmsKeyId.", config_rule: "cloud-trail-encryption-enabled" },
    Control { id: "GuardDuty.1", title: "GuardDuty should be enabled", severity: "HIGH", target: Target::Account, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/11.4", "NIST.800-53.r5 SI-4"], failed_because: "No GuardDuty detector is enabled in this Region.", config_rule: "guardduty-enabled-centralized" },
    Control { id: "Config.1", title: "AWS Config should be enabled and use the service-linked role for resource recording", severity: "MEDIUM", target: Target::Account, standards: &[FSBP, CIS, PCI, NIST], requirements: &["CIS AWS Foundations Benchmark v1.4.0/3.5", "PCI DSS v3.2.1/10.5.2", "NIST.800-53.r5 CM-3"], failed_because: "The configuration recorder is not recording all resources.", config_rule: "securityhub-config-enabled" },
    Control { id: "ECR.1", title: "ECR private repositories should have image scanning configured", severity: "HIGH", target: Target::Repository, standards: &[FSBP, NIST], requirements: &["NIST.800-53.r5 RA-5"], failed_because: "Scan on push is disabled and no enhanced scanning covers the repository.", config_rule: "ecr-private-image-scanning-enabled" },
    Control { id: "SSM.1", title: "EC2 instances should be managed by AWS Systems Manager", severity: "MEDIUM", target: Target::Instance, standards: &[FSBP, PCI, NIST], requirements: &["PCI DSS v3.2.1/2.4", "NIST.800-53.r5 CM-2"], failed_because: "The instance is not a managed instance.", config_rule: "ec2-instance-managed-by-systems-manager" },
];

fn standard_label(id: &str) -> &'static str {
    match id {
        FSBP => "AWS Foundational Security Best Practices v1.0.0",
        CIS => "CIS AWS Foundations Benchmark v1.4.0",
        PCI => "PCI DSS v3.2.1",
        _ => "NIST SP 800-53 Rev. 5",
    }
}

fn target(ctx: &mut Ctx, target: Target) -> Named {
    match target {
        Target::Bucket => resources::s3_bucket(ctx),
        Target::Instance => resources::ec2_instance(ctx),
        Target::OpenPort(port) => resources::security_group(ctx, port),
        Target::Role => resources::iam_role(ctx),
        Target::User => resources::iam_user(ctx),
        Target::Lambda => resources::lambda(ctx),
        Target::Rds => resources::rds_instance(ctx),
        Target::Kms => resources::kms_key(ctx),
        Target::Account => resources::account(ctx),
        Target::Trail => {
            let arn = format!(
                "arn:aws:cloudtrail:{}:{}:trail/management-events",
                ctx.region, ctx.account
            );
            let resource = json!({"Type": "AwsCloudTrailTrail", "Id": arn, "Partition": "aws", "Region": ctx.region});
            Named {
                resource,
                name: "management-events".into(),
                arn,
            }
        }
        Target::Repository => {
            let image = resources::ecr_image(ctx);
            let repo = image.name.split(':').next().unwrap_or_default().to_string();
            let arn = format!(
                "arn:aws:ecr:{}:{}:repository/{repo}",
                ctx.region, ctx.account
            );
            let resource = json!({"Type": "AwsEcrRepository", "Id": arn, "Partition": "aws", "Region": ctx.region,
                "Details": {"AwsEcrRepository": {"RepositoryName": repo, "Arn": arn}}});
            Named {
                resource,
                name: repo,
                arn,
            }
        }
    }
}

/// One Security Hub control finding. Long on purpose (over 100 lines): the finding is
/// written out field by field in ASFF order, so it reads like the documents it imitates.
pub fn draft(ctx: &mut Ctx) -> Draft {
    let control = ctx.rng.pick(CONTROLS);
    let resource = target(ctx, control.target);
    let status = *ctx.rng.weighted(&[
        ("FAILED", 74),
        ("PASSED", 20),
        ("WARNING", 4),
        ("NOT_AVAILABLE", 2),
    ]);
    let passed = status == "PASSED";
    // Security Hub reports passed checks as INFORMATIONAL and resolves them itself.
    let severity = if passed {
        "INFORMATIONAL"
    } else {
        control.severity
    };
    let uuid = uuid_like(ctx);
    let id = format!(
        "arn:aws:securityhub:{}:{}:security-control/{}/finding/{uuid}",
        ctx.region, ctx.account, control.id
    );
    let product_arn = format!(
        "arn:aws:securityhub:{}::product/aws/securityhub",
        ctx.region
    );
    let standards: Vec<_> = control
        .standards
        .iter()
        .map(|s| json!({"StandardsId": s}))
        .collect();
    let mut compliance = json!({
        "Status": status,
        "SecurityControlId": control.id,
        "RelatedRequirements": control.requirements,
        "AssociatedStandards": standards,
    });
    // Security Hub explains only the statuses that are not a plain pass or fail.
    let reason = match status {
        "WARNING" => Some((
            "CONFIG_ACCESS_DENIED",
            "AWS Config could not evaluate the resource: access denied.",
        )),
        "NOT_AVAILABLE" => Some((
            "CONFIG_EVALUATIONS_EMPTY",
            "AWS Config returned no evaluation results for the rule.",
        )),
        _ => None,
    };
    if let Some((code, text)) = reason {
        compliance["StatusReasons"] = json!([{"ReasonCode": code, "Description": text}]);
    }
    let mut product_fields = Map::new();
    product_fields.insert(
        "RelatedAWSResources:0/name".into(),
        json!(format!(
            "securityhub-{}-{}",
            control.config_rule,
            ctx.rng.hex(8)
        )),
    );
    product_fields.insert(
        "RelatedAWSResources:0/type".into(),
        json!("AWS::Config::ConfigRule"),
    );
    product_fields.insert("Resources:0/Id".into(), json!(resource.arn));
    product_fields.insert(
        "StandardsControlArn".into(),
        json!(format!(
            "arn:aws:securityhub:{}:{}:control/{}",
            ctx.region, ctx.account, control.id
        )),
    );
    let description = if passed {
        format!(
            "{} ({}) passed the {} check.",
            resource.name, resource.arn, control.id
        )
    } else {
        format!(
            "This control checks that {}. {} Standards: {}.",
            lower_first(control.title),
            control.failed_because,
            control
                .standards
                .iter()
                .map(|s| standard_label(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut draft = Draft {
        id,
        product_arn,
        product_name: "Security Hub",
        company_name: "AWS",
        generator_id: format!("security-control/{}", control.id),
        types: vec!["Software and Configuration Checks/Industry and Regulatory Standards".into()],
        title: control.title.to_string(),
        description,
        severity,
        resources: vec![resource.resource],
        extra: Map::new(),
        product_fields,
        passed,
    };
    draft.set("Compliance", compliance);
    draft.set(
        "Remediation",
        json!({"Recommendation": {
            "Text": "For information on how to correct this issue, consult the AWS Security Hub controls documentation.",
            "Url": format!("https://docs.aws.amazon.com/console/securityhub/{}/remediation", control.id),
        }}),
    );
    draft
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn uuid_like(ctx: &mut Ctx) -> String {
    let h = ctx.uid();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
pub fn control_ids() -> Vec<&'static str> {
    CONTROLS.iter().map(|c| c.id).collect()
}
